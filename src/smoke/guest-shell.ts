import { spawn } from 'node:child_process';
import { sshArgv } from '../core/ssh-argv.js';

export interface ShellResult {
  /** The command's exit code; 255 when ssh itself failed; null when it was killed at the timeout. */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs argv to completion (killed at `timeoutMs`), capturing its output. */
function runCaptured(argv: string[], timeoutMs: number): Promise<ShellResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd ?? 'false', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString('utf8')).slice(-100_000)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : (code ?? 255), stdout, stderr, durationMs: Date.now() - started });
    });
  });
}

/** Where and as whom to reach a guest: the cloud's key, from inside the cloud's netns. */
export interface GuestTarget {
  ip: string;
  user: string;
  keyPath: string;
  netns: string;
}

/** Runs one shell command in the guest over ssh (batch mode, no tty, so bytes and exit code pass through). */
export function guestShell(target: GuestTarget, command: string, timeoutMs: number): Promise<ShellResult> {
  // The command goes as ssh's last argument, verbatim: the remote login shell parses it.
  const argv = [...sshArgv({ ip: target.ip, user: target.user, keyPath: target.keyPath, command: [], tty: false, batch: true, connectTimeoutS: 10, netns: target.netns }), command];
  return runCaptured(argv, timeoutMs);
}

/**
 * GET http://IP:PORT/PATH from inside the cloud's netns (the guest's network), with this Node binary:
 * the host may have no curl. Exits 0 on 2xx and prints the status.
 */
export function httpFromCloud(netns: string, url: string, timeoutMs: number): Promise<ShellResult> {
  const script =
    'fetch(process.argv[1], { signal: AbortSignal.timeout(Number(process.argv[2])) })' +
    '.then((r) => { console.log(r.status); process.exit(r.ok ? 0 : 1); })' +
    '.catch((e) => { console.error(String(e.cause ?? e)); process.exit(2); })';
  return runCaptured(['ip', 'netns', 'exec', netns, process.execPath, '-e', script, url, String(timeoutMs)], timeoutMs + 5000);
}
