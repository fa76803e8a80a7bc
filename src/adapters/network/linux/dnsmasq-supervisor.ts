import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { MinicloudEvent } from '../../../domain/events.js';
import { errors } from '../../../errors/catalogue.js';
import type { Clock } from '../../../ports/clock.js';
import { buildDnsmasqArgv, dnsmasqPaths, type DnsmasqPaths } from './dnsmasq-config.js';
import { endProcess, liveArgv, readPidFile } from './foreign-process.js';

export interface DnsmasqSupervisorOptions {
  stateDir: string;
  /** The gateway address, for MC_ERR_NETWORK_DNS_PORT_IN_USE. */
  gateway: string;
  publish: (event: MinicloudEvent) => void;
  clock: Clock;
  /** First restart delay; doubles per quick death up to 5 s. */
  restartDelayMs?: number;
  /** How long to wait for the pid file before calling the start failed. */
  startTimeoutMs?: number;
}

/**
 * Runs one cloud's dnsmasq as a direct child in the foreground (`-k`), so its death is an 'exit' event here
 * rather than something a pid file poll discovers. If it dies, it is started again (with backoff) and a
 * 'service.restarted' event says why. A dnsmasq left by a crashed run (its pid file, our config path in its
 * argv) is ended first, so `up` after kill -9 works.
 */
export class DnsmasqSupervisor {
  private readonly paths: DnsmasqPaths;
  private child: ChildProcess | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private quickDeaths = 0;
  private startedAt = 0;
  private readonly opts: DnsmasqSupervisorOptions;

  constructor(opts: DnsmasqSupervisorOptions) {
    this.opts = opts;
    this.paths = dnsmasqPaths(opts.stateDir);
  }

  get pid(): number | null {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null ? (this.child.pid ?? null) : null;
  }

  /** Starts dnsmasq unless our child is already running. Resolves once it has written its pid file. */
  async ensureRunning(): Promise<void> {
    this.stopping = false;
    if (this.pid !== null) return;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    await endStaleDnsmasq(this.paths);
    await this.start();
  }

  /**
   * Starts dnsmasq afresh so it reads the hosts files again (its lease file keeps the leases). Not a
   * SIGHUP: dnsmasq 2.90 segfaults re-reading a dhcp-hostsfile with `set:` tags while leases exist
   * (src/adapters/network/linux/linux-network-plane.ts, setHosts).
   */
  async restart(): Promise<void> {
    await this.stop();
    await this.ensureRunning();
  }

  /** Ends dnsmasq and stops restarting it. MUST succeed if it is not running. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await endProcess(child.pid);
      await exited;
    }
    await rm(this.paths.pid, { force: true });
  }

  private async start(): Promise<void> {
    const child = spawn('dnsmasq', buildDnsmasqArgv(this.opts.stateDir), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal === null ? `exited with status ${code}` : `killed by ${signal}`)),
    );
    const ready = this.waitForPidFile(child);
    const first = await Promise.race([
      ready.then(() => ({ kind: 'ready' as const })),
      exited.then((how) => ({ kind: 'exit' as const, how })),
      spawnError.then((err) => ({ kind: 'error' as const, err })),
    ]);
    if (first.kind === 'error') {
      const e = first.err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw errors.networkToolMissing('dnsmasq', 'dnsmasq-base').causedBy(e);
      throw errors.networkDhcpFailed(e.message, this.paths.log).causedBy(e);
    }
    if (first.kind === 'exit') {
      const reason = stderr.trim() || first.how;
      if (/Address already in use/i.test(reason) && /port 53|DNS|listening socket/i.test(reason)) {
        throw errors.networkDnsPortInUse(this.opts.gateway);
      }
      throw errors.networkDhcpFailed(reason, this.paths.log);
    }
    this.child = child;
    this.startedAt = this.opts.clock.monotonic();
    void exited.then((how) => this.onExit(child, how, stderr));
  }

  private async waitForPidFile(child: ChildProcess): Promise<void> {
    const deadline = this.opts.clock.monotonic() + (this.opts.startTimeoutMs ?? 5000);
    while (this.opts.clock.monotonic() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) return new Promise(() => {});
      if ((await readPidFile(this.paths.pid)) === child.pid) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    return new Promise(() => {});
  }

  private onExit(child: ChildProcess, how: string, stderr: string): void {
    if (this.stopping || this.child !== child) return;
    this.child = null;
    const reason = `dnsmasq ${how}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`;
    this.scheduleRestart(how, reason);
  }

  private scheduleRestart(how: string, reason: string): void {
    const ranMs = this.opts.clock.monotonic() - this.startedAt;
    this.quickDeaths = ranMs < 30_000 ? this.quickDeaths + 1 : 0;
    const delay = Math.min(5000, (this.opts.restartDelayMs ?? 200) * 2 ** Math.max(0, this.quickDeaths - 1));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.start().then(
        () => this.opts.publish({ type: 'service.restarted', at: this.opts.clock.now(), service: 'dnsmasq', reason }),
        (err: unknown) => {
          this.opts.publish({
            type: 'notice',
            at: this.opts.clock.now(),
            level: 'error',
            message: `dnsmasq could not be restarted after it ${how}: ${(err as Error).message}`,
            code: (err as { code?: string }).code ?? 'MC_ERR_NETWORK_DHCP',
          });
          this.scheduleRestart(how, reason);
        },
      );
    }, delay);
  }
}

/** Ends a dnsmasq recorded in this state directory's pid file if it runs our config (left by a crashed run). */
async function endStaleDnsmasq(paths: DnsmasqPaths): Promise<number | null> {
  const pid = await readPidFile(paths.pid);
  if (pid === null) return null;
  const argv = await liveArgv(pid);
  if (argv === null || !argv.some((a) => a === `--conf-file=${paths.config}`)) return null;
  await endProcess(pid);
  return pid;
}
