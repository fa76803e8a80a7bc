import { execFile } from 'node:child_process';

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/** A failed tool run: the command, its exit status and what it printed on stderr. */
export class ToolFailure extends Error {
  readonly stderr: string;
  readonly status: number | string | null;
  constructor(cmd: string, status: number | string | null, stderr: string) {
    super(`${cmd} exited with ${String(status)}: ${stderr.trim() || '(no stderr)'}`);
    this.name = 'ToolFailure';
    this.stderr = stderr;
    this.status = status;
  }
}

/** Runs a host tool to completion; rejects with ToolFailure (stderr kept) on a non-zero exit. */
export function runTool(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const status = (err as { code?: number | string }).code ?? (err as { signal?: string }).signal ?? null;
        reject(new ToolFailure([cmd, ...args].join(' '), status, String(stderr)));
        return;
      }
      resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** argv prefix that runs a command inside a named network namespace, or nothing for the current one. */
export function inNetns(netns: string | null): string[] {
  return netns ? ['ip', 'netns', 'exec', netns] : [];
}
