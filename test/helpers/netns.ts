import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * A throwaway network namespace, as CNI's testutils make them: random name, created with
 * `ip netns add`, removed (with every process the test started in it) by `destroy()`.
 * Nothing inside it can reach the host's networks: it starts with only a down `lo`.
 */
export class TestNetns {
  readonly name: string;
  private readonly children = new Set<ChildProcess>();

  private constructor(name: string) {
    this.name = name;
  }

  /** Creates the namespace and brings its loopback up. `prefix` should say which test made it. */
  static async create(prefix = 'mctest'): Promise<TestNetns> {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    await execFileAsync('ip', ['netns', 'add', name]);
    const ns = new TestNetns(name);
    await ns.run('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Runs a command inside the namespace and returns its output; rejects on a non-zero exit. */
  async run(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    const child = execFileAsync('ip', ['netns', 'exec', this.name, cmd, ...args], {
      timeout: opts.timeoutMs ?? 30_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (opts.input !== undefined) {
      child.child.stdin?.end(opts.input);
    }
    const { stdout, stderr } = await child;
    return { stdout, stderr };
  }

  /** Like `run` but resolves with the exit code instead of rejecting. */
  async runStatus(cmd: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult & { code: number }> {
    try {
      const r = await this.run(cmd, args, opts);
      return { ...r, code: 0 };
    } catch (err) {
      const e = err as { code?: unknown; stdout?: string; stderr?: string };
      return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
    }
  }

  /** Starts a long-running process inside the namespace; `destroy()` ends it (by PID) if still running. */
  spawn(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: 'pipe', ...opts });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Ends the processes this test started (SIGTERM, then SIGKILL) and deletes the namespace. Idempotent. */
  async destroy(): Promise<void> {
    await Promise.all([...this.children].map((child) => stopChild(child)));
    // Processes started by the code under test (dnsmasq, qemu) are its job to end; anything still in
    // the namespace now is a leak, so list it for the test output before removing the namespace.
    const { stdout } = await execFileAsync('ip', ['netns', 'pids', this.name]).catch(() => ({ stdout: '' }));
    const leaked = stdout.split('\n').filter(Boolean);
    for (const pid of leaked) {
      process.stderr.write(`netns ${this.name}: ending leftover pid ${pid}\n`);
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
    await execFileAsync('ip', ['netns', 'del', this.name]).catch((err: unknown) => {
      if (!String((err as { stderr?: string }).stderr ?? err).includes('No such file')) throw err;
    });
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
