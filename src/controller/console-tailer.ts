import { open } from 'node:fs/promises';

/** Longest console line kept; longer lines are cut (a guest can print anything). */
const MAX_LINE = 2000;

/**
 * Follows a growing console log file from byte 0: each `poll()` returns the complete lines written
 * since the last call and whether any byte arrived at all (the `booting` stage). Keeps the last
 * `keep` lines for diagnoses. A missing file is "nothing yet", not an error.
 */
export class ConsoleTailer {
  private offset = 0;
  private partial = '';
  private readonly tail: string[] = [];
  private sawBytes = false;
  readonly path: string;
  private readonly keep: number;

  constructor(path: string, keep = 200) {
    this.path = path;
    this.keep = keep;
  }

  async poll(): Promise<{ newBytes: boolean; lines: string[] }> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { newBytes: false, lines: [] };
      throw err;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        // Truncated (guest re-created): start over.
        this.offset = 0;
        this.partial = '';
      }
      if (size === this.offset) return { newBytes: false, lines: [] };
      const length = Math.min(size - this.offset, 1 << 20);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, this.offset);
      this.offset += bytesRead;
      this.sawBytes = this.sawBytes || bytesRead > 0;
      const text = this.partial + buf.subarray(0, bytesRead).toString('utf8');
      const parts = text.split(/\r?\n/);
      this.partial = (parts.pop() ?? '').slice(0, MAX_LINE);
      // eslint-disable-next-line no-control-regex
      const lines = parts.map((l) => l.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').slice(0, MAX_LINE));
      this.tail.push(...lines);
      if (this.tail.length > this.keep) this.tail.splice(0, this.tail.length - this.keep);
      return { newBytes: bytesRead > 0, lines };
    } finally {
      await handle.close();
    }
  }

  hasOutput(): boolean {
    return this.sawBytes;
  }

  /** The last lines seen, including an unfinished last line. */
  lastLines(n: number): string[] {
    const all = this.partial ? [...this.tail, this.partial] : [...this.tail];
    return all.slice(-n);
  }
}
