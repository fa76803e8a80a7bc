import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A real terminal for a TUI test: one tmux server on its own socket (never the user's), one
 * window of a fixed size with no status line, so the pane is exactly `columns`×`rows`.
 * The pane stays after its command exits (remain-on-exit) so the last screen and the exit
 * status can be read. `kill()` ends the server by its socket; it is idempotent.
 */
export class TmuxTerminal {
  readonly socket: string;
  private readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.socket = join(dir, 'tmux.sock');
  }

  /** Starts `argv` in a new detached session of `columns`×`rows`, with `env` added to tmux's environment. */
  static async start(opts: { argv: string[]; columns: number; rows: number; env?: Record<string, string>; cwd?: string }): Promise<TmuxTerminal> {
    const dir = mkdtempSync(join(tmpdir(), 'mc-tmux-'));
    const term = new TmuxTerminal(dir);
    const conf = join(dir, 'tmux.conf');
    // No status line (it would take a row of the pane), keep a dead pane, and a plain 256-colour TERM.
    writeFileSync(conf, 'set -g status off\nset -g remain-on-exit on\nset -g default-terminal tmux-256color\nset -g history-limit 2000\n');
    const envFlags = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await term.tmux(['-f', conf, 'new-session', '-d', '-x', String(opts.columns), '-y', String(opts.rows), ...(opts.cwd ? ['-c', opts.cwd] : []), ...envFlags, '--', ...opts.argv]);
    return term;
  }

  private async tmux(args: string[]): Promise<string> {
    const { stdout } = await execFileAsync('tmux', ['-S', this.socket, ...args], { timeout: 10_000 });
    return stdout;
  }

  /** The visible screen as text (`capture-pane -p`), one string per row, trailing spaces trimmed. */
  async screen(): Promise<string> {
    return (await this.tmux(['capture-pane', '-p'])).replace(/\n$/, '');
  }

  /** Keys by tmux name (`Enter`, `Escape`, `Down`, `q`). */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await this.tmux(['send-keys', key]);
  }

  /** Text typed literally (`send-keys -l`), in one chunk as a paste would arrive. */
  async type(text: string): Promise<void> {
    await this.tmux(['send-keys', '-l', '--', text]);
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-x', String(columns), '-y', String(rows)]);
  }

  /** `{ columns, rows }` of the pane as tmux sees it. */
  async size(): Promise<{ columns: number; rows: number }> {
    const [columns, rows] = (await this.tmux(['display-message', '-p', '#{pane_width} #{pane_height}'])).trim().split(' ').map(Number);
    return { columns: columns ?? 0, rows: rows ?? 0 };
  }

  /** null while the pane's command runs; its exit status once it has exited (a signal death as 128 + signal, like a shell). */
  async exitStatus(): Promise<number | null> {
    const [serverPid, dead, status, signal] = (await this.tmux(['display-message', '-p', '#{pid}|#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}'])).trim().split('|');
    if (dead !== '1') return null;
    if (status) return Number(status);
    if (signal) return 128 + Number(signal);
    // Dead (the pty closed) but no status: tmux has not reaped the pane's process yet. Normally
    // its SIGCHLD follows within a moment. But tmux built with libutempter (Debian's) runs the utmp
    // helper when the pty closes, with SIGCHLD at SIG_DFL until that helper is reaped; a pane
    // process that exits in those milliseconds has its SIGCHLD discarded and stays a zombie tmux
    // never reaps (tmux issue #311). A process that closes the terminal by exiting, as `up` does,
    // lands there by chance: `up` looked stuck after q, s in 2 of 10 runs, its process <defunct>
    // under the tmux server. Another SIGCHLD makes tmux run its reaper (waitpid on any child)
    // again, so the status shows on a later call; when nothing is waiting it does nothing.
    // test/vm/tui/tmux-exit-status.test.ts hits the window on purpose.
    process.kill(Number(serverPid), 'SIGCHLD');
    return null;
  }

  /** The pane's process (the command given to start), e.g. to show what is still running. */
  async panePid(): Promise<number> {
    return Number((await this.tmux(['display-message', '-p', '#{pane_pid}'])).trim());
  }

  /**
   * Polls the screen until `test` accepts it; returns that screen. On timeout, throws with `what`
   * and the last screen, so a failing test shows what the terminal showed.
   */
  async waitFor(what: string, test: RegExp | ((screen: string) => boolean), timeoutMs = 60_000): Promise<string> {
    const accepts = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = await this.screen();
      if (accepts(last)) return last;
      if (Date.now() > deadline) throw new Error(`tmux: timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${last}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Ends the tmux server (and so the pane's process group gets SIGHUP) and removes its directory. */
  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch((err: unknown) => {
      // Already gone (killed before, or never started): the socket no longer answers.
      if (!/no server running|error connecting|No such file/.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
    });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
