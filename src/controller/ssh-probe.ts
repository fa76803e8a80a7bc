import { execFile, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { sshArgv } from '../core/ssh-argv.js';

/** Whether a guest's sshd is up and accepts the cloud's key: the `ssh` stage. */
export interface SshProbe {
  /** True when port 22 answers with an SSH banner and `ssh … true` with the key succeeds. Never throws. */
  probe(ip: string, user: string): Promise<boolean>;
}

/** Reads the first bytes from ip:22 and checks for the `SSH-` banner (cheap; no process). */
function sshBanner(ip: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port: 22 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false)); // refused/unreachable: the answer is "not yet"
  });
}

/** The real probe: banner first (fast fail), then a key login running `true`. */
export class OpenSshProbe implements SshProbe {
  private readonly keyPath: string;
  private readonly running = new Set<ChildProcess>();
  private closed = false;
  constructor(keyPath: string) {
    this.keyPath = keyPath;
  }

  async probe(ip: string, user: string): Promise<boolean> {
    if (!(await sshBanner(ip, 2000)) || this.closed) return false;
    const [cmd, ...args] = sshArgv({ ip, user, keyPath: this.keyPath, command: ['true'], tty: false, batch: true, connectTimeoutS: 5 });
    return new Promise((resolve) => {
      const child = execFile(cmd ?? 'ssh', args, { timeout: 15_000 }, (err) => {
        this.running.delete(child);
        resolve(err === null);
      });
      this.running.add(child);
    });
  }

  /** Ends probes still running (at `down`: their guests are gone, and no ssh may outlive the cloud). */
  close(): void {
    this.closed = true;
    for (const child of this.running) child.kill('SIGKILL');
    this.running.clear();
  }
}
