import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { ApiClient } from '../api/api-client.js';
import type { CloudStatus } from '../api/api-schemas.js';
import { cloudLayout } from '../config/minicloud-config.js';
import { errors, isMinicloudError } from '../errors/catalogue.js';

/**
 * The throwaway cloud of one smoke run: `minicloud up --netns NAME --json` as a child process with
 * its own MINICLOUD_HOME, i.e. the controller's own netns mechanism (it creates the namespace,
 * re-execs itself inside and deletes the namespace after `down`). Everything else talks to it over
 * its unix socket, like any CLI command.
 */
export interface SmokeCloudOptions {
  /** argv that runs this CLI (node, its flags, the script). */
  cliArgv: string[];
  home: string;
  netns: string;
  /** Where the controller's NDJSON events go (an artifact). */
  eventsLogPath: string;
  configPath?: string;
  accelerator?: 'kvm' | 'tcg';
  /** How long `up` may take to answer. */
  startTimeoutMs: number;
}

export interface SmokeCloud {
  client: ApiClient;
  status: CloudStatus;
  /** `down`, then waits for the `up` process to exit; kills it (by pid) if it does not. Idempotent. */
  stop(timeoutMs: number): Promise<{ forced: boolean }>;
  /** Exit code of the `up` process once it has exited; null while it runs. */
  exitCode(): number | null;
}

function tail(text: string, lines: number): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    // ESRCH: it exited meanwhile, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSmokeCloud(opts: SmokeCloudOptions): Promise<SmokeCloud> {
  const [cmd, ...args] = opts.cliArgv;
  const argv = [...args, 'up', '--netns', opts.netns, '--json', ...(opts.configPath ? ['--config', opts.configPath] : []), ...(opts.accelerator ? ['--accelerator', opts.accelerator] : [])];
  const child: ChildProcess = spawn(cmd ?? process.execPath, argv, {
    env: { ...process.env, MINICLOUD_HOME: opts.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: WriteStream = createWriteStream(opts.eventsLogPath);
  let output = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null = null;
  const exitPromise = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? 128 : 1);
      log.end();
      resolve(exited);
    });
    child.once('error', (err) => {
      output += `\n${err.message}`;
      exited = 127;
      log.end();
      resolve(127);
    });
  });

  const client = new ApiClient(cloudLayout(opts.home).socketPath);
  const deadline = Date.now() + opts.startTimeoutMs;
  let status: CloudStatus | null = null;
  while (status === null) {
    if (exited !== null) throw errors.smokeCloudStartFailed(opts.netns, tail(output, 15));
    try {
      status = await client.status();
    } catch (err) {
      // Not answering yet is the normal state until `up` has created the socket.
      if (!isMinicloudError(err) || err.code !== errors.controllerNotRunning.code) throw err;
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw errors.smokeCloudStartFailed(opts.netns, `no answer within ${Math.round(opts.startTimeoutMs / 1000)} s\n${tail(output, 15)}`);
      }
      await sleep(100);
    }
  }
  const controllerPid = status.pid;

  let stopping: Promise<{ forced: boolean }> | null = null;
  const stop = (timeoutMs: number) =>
    (stopping ??= (async () => {
      if (exited !== null) return { forced: false };
      try {
        await client.down();
      } catch (err) {
        // The controller may already be gone (it crashed, or stopped on a signal); the wait below decides.
        if (!isMinicloudError(err) || err.code !== errors.controllerNotRunning.code) throw err;
      }
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([exitPromise.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
      clearTimeout(timer);
      if (done) return { forced: false };
      // The controller runs inside the netns as its own process (`ip netns exec` re-exec): kill it by pid.
      for (const pid of [controllerPid, child.pid]) if (pid) killIfAlive(pid);
      await exitPromise;
      return { forced: true };
    })());
  return { client, status, stop, exitCode: () => exited };
}
