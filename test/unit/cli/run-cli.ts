import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
/** The built CLI: these tests run exactly what users run (`make build` first; `make test` does). */
const CLI = join(ROOT, 'dist/cli/main.js');

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `minicloud ARGS` to completion. */
export function runCli(args: string[], opts: { prefix?: string[] } = {}): CliResult {
  const [cmd, ...pre] = opts.prefix ?? [process.execPath];
  const argv = opts.prefix ? [...pre, process.execPath, CLI, ...args] : [CLI, ...args];
  const r = spawnSync(cmd ?? process.execPath, argv, { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface ServingCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The URL from the "listening on" line. */
  url: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running `minicloud ARGS` and resolves once it printed "listening on URL". */
export function serveCli(args: string[]): Promise<ServingCli> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return new Promise((resolveServing, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening on" line within 10 s\nstdout: ${out}\nstderr: ${err}`));
    }, 10_000);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(out + err)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolveServing({
        child,
        url,
        stdout: () => out,
        stderr: () => err,
        stop: async (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      check();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      check();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}
