import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { defaultCloudId } from '../../../src/config/minicloud-config.js';
import { cleanUpAll } from '../network/clean-up.js';

const execFileAsync = promisify(execFile);

export const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI command still running (`up` in the foreground, `events -f`): its output so far and its exit. */
export interface RunningCli {
  child: ChildProcess;
  /** stdout so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<CliResult>;
  /** Resolves with the first NDJSON line on stdout that `match` accepts; rejects if the command exits first or after `timeoutMs`. */
  waitForJsonLine<T>(match: (value: T) => boolean, timeoutMs: number): Promise<T>;
}

/**
 * Files a pruned (or never started) cloud may leave in its MINICLOUD_HOME, by design (docs/cli.md, "After
 * a crash"): the state database with the records and the request log, the cloud's ssh keypair, the
 * controller's log, the user's minicloud.yaml, and the empty instances directory. Anything else is a leftover.
 */
const KEPT_FILES = new Set(['state.db', 'controller.log', 'minicloud.yaml', 'ssh', 'ssh/id_ed25519', 'ssh/id_ed25519.pub', 'instances']);

/**
 * One cloud driven through the built CLI (`node dist/cli/main.js`) as a user would: its own MINICLOUD_HOME
 * in a temp dir and its own namespace name (never created by the test: `up --netns` creates it).
 * `leftovers()` lists, independently of the code under test, everything of it still on the machine;
 * `destroy()` removes all of it, also after a failed test.
 */
export class CliCloud {
  readonly home: string;
  readonly netns: string;
  /** The default cloud id of this home (the tests never name one): it tags links, rules and guests. */
  readonly cloudId: string;
  private inode: number | null = null;
  private readonly children = new Set<ChildProcess>();

  private constructor(home: string, netns: string) {
    this.home = home;
    this.netns = netns;
    this.cloudId = defaultCloudId(home);
  }

  static create(prefix: string): CliCloud {
    return new CliCloud(mkdtempSync(join(tmpdir(), `${prefix}-`)), `${prefix}-${randomBytes(3).toString('hex')}`);
  }

  /** Runs `minicloud ARGS` to its end. */
  run(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    const running = this.start(args, opts.env);
    const timer = setTimeout(() => running.child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    return running.exited.finally(() => clearTimeout(timer));
  }

  /** Starts `minicloud ARGS`; `destroy()` kills it if it still runs. */
  start(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, MINICLOUD_HOME: this.home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<CliResult>((res, rej) => {
      child.once('error', rej);
      child.once('close', (code, signal) => {
        this.children.delete(child);
        res({ code, signal, stdout, stderr });
      });
    });
    const waitForJsonLine = <T>(match: (value: T) => boolean, timeoutMs: number): Promise<T> =>
      new Promise<T>((res, rej) => {
        let seen = 0;
        const check = (): boolean => {
          const lines = stdout.split('\n');
          for (; seen < lines.length - 1; seen += 1) {
            const value = JSON.parse(lines[seen] ?? '') as T;
            if (match(value)) {
              done();
              res(value);
              return true;
            }
          }
          return false;
        };
        const onData = (): void => void check();
        const onExit = (): void => {
          if (check()) return;
          done();
          rej(new Error(`minicloud ${args.join(' ')} exited before the awaited line:\n${stderr}`));
        };
        const timer = setTimeout(() => {
          done();
          rej(new Error(`no awaited line from minicloud ${args.join(' ')} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.off('close', onExit);
        };
        child.stdout.on('data', onData);
        child.once('close', onExit);
        check();
      });
    return { child, stdout: () => stdout, stderr: () => stderr, exited, waitForJsonLine };
  }

  /** Notes the namespace's inode while it exists, to find processes still inside it once its name is gone. */
  rememberNetns(): number {
    this.inode = statSync(`/run/netns/${this.netns}`).ino;
    return this.inode;
  }

  netnsExists(): boolean {
    return existsSync(`/run/netns/${this.netns}`);
  }

  /**
   * Everything of this cloud still on the machine: its namespace; live processes inside it (by the
   * remembered inode) or whose command line names the home or the cloud's guests, in any namespace;
   * links and firewall rules in the namespace (if it is still there) and those naming the cloud on the
   * host; files in the home other than KEPT_FILES. Empty when nothing is left.
   */
  async leftovers(): Promise<string[]> {
    const found: string[] = [];
    if (this.netnsExists()) {
      found.push(`netns ${this.netns}`);
      const inNs = async (cmd: string, args: string[]): Promise<string> => (await execFileAsync('ip', ['netns', 'exec', this.netns, cmd, ...args], { maxBuffer: 32 << 20 })).stdout;
      for (const line of (await inNs('ip', ['-o', 'link', 'show'])).split('\n').filter(Boolean)) if (!/^\d+: lo:/.test(line)) found.push(`link in the netns: ${line.slice(0, 100)}`);
      for (const line of (await inNs('iptables-save', [])).split('\n')) if (/minicloud|MC-/.test(line)) found.push(`iptables in the netns: ${line}`);
      for (const line of (await inNs('nft', ['list', 'ruleset'])).split('\n')) if (line.includes('minicloud')) found.push(`nft in the netns: ${line.trim()}`);
    }
    const host = async (cmd: string, args: string[]): Promise<string> => (await execFileAsync(cmd, args, { maxBuffer: 32 << 20 })).stdout;
    for (const line of (await host('ip', ['-o', 'link', 'show'])).split('\n')) if (line.includes(this.cloudId)) found.push(`link on the host: ${line.slice(0, 100)}`);
    for (const line of `${await host('iptables-save', [])}\n${await host('nft', ['list', 'ruleset'])}`.split('\n')) if (line.includes(this.cloudId)) found.push(`rule on the host: ${line.trim()}`);
    for (const p of this.processes()) found.push(`process ${p.pid}: ${p.cmdline.slice(0, 120)}`);
    for (const f of this.homeFiles()) if (!KEPT_FILES.has(f)) found.push(`file ${f}`);
    return found;
  }

  /** Live processes (zombies hold nothing) inside the namespace or naming the home or the cloud's guests. */
  processes(): { pid: number; cmdline: string }[] {
    const out: { pid: number; cmdline: string }[] = [];
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      if (Number(entry) === process.pid) continue;
      const stat = procRead(() => readFileSync(`/proc/${entry}/stat`, 'utf8'));
      const cmdline = procRead(() => readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim());
      if (stat === null || cmdline === null || / [ZX] /.test(stat.slice(stat.lastIndexOf(')')))) continue;
      const ns = procRead(() => readlinkSync(`/proc/${entry}/ns/net`));
      const inside = this.inode !== null && ns === `net:[${this.inode}]`;
      if (inside || cmdline.includes(this.home) || cmdline.includes(`mc-${this.cloudId}-`)) out.push({ pid: Number(entry), cmdline });
    }
    return out;
  }

  /** Files and directories under the home, relative to it; a directory is listed only when it is empty. */
  homeFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      const entries = readdirSync(dir, { withFileTypes: true });
      if (entries.length === 0 && dir !== this.home) out.push(relative(this.home, dir));
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (KEPT_FILES.has(relative(this.home, path))) out.push(relative(this.home, path));
          walk(path);
        } else out.push(relative(this.home, path));
      }
    };
    walk(this.home);
    return [...new Set(out)].sort();
  }

  /**
   * Removes whatever the test left, whatever happened: its own commands, every process of the cloud
   * (by pid, SIGKILL), the namespace and the home. Every step runs even when one fails.
   */
  async destroy(): Promise<void> {
    await cleanUpAll(`cloud ${this.netns}`, [
      () => {
        for (const child of this.children) child.kill('SIGKILL');
      },
      async () => {
        const pids = this.processes().map((p) => p.pid);
        for (const pid of pids) {
          process.stderr.write(`cleanup of ${this.netns}: ending leftover pid ${pid}\n`);
          killIfAlive(pid);
        }
        const deadline = Date.now() + 10_000;
        while (this.processes().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      },
      async () => {
        if (this.netnsExists()) await execFileAsync('ip', ['netns', 'del', this.netns]);
      },
      () => rmSync(this.home, { recursive: true, force: true }),
    ]);
  }
}

/** SIGKILL, treating "no such process" as done. */
export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Resolves once `pid` has exited (gone, or a zombie not yet reaped by PID 1); rejects after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = procRead(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (stat === null || / [ZX] /.test(stat.slice(stat.lastIndexOf(')')))) return;
    if (Date.now() > deadline) throw new Error(`pid ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function procRead<T>(read: () => T): T | null {
  try {
    return read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw err;
  }
}
