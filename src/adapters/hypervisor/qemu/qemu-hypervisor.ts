import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { errors } from '../../../errors/catalogue.js';
import type { GuestObservation, GuestSpec, Hypervisor } from '../../../ports/hypervisor.js';
import { checkGuestSpec } from '../check-guest-spec.js';
import { guestFiles } from '../guest-files.js';
import { removeGuestFiles } from '../guest-files-cleanup.js';
import { attachConsoleSocket } from '../guest-console.js';
import { isGuestProcess, isProcessRunning, readPidFile, signalProcess, waitUntilGone } from './guest-process.js';
import { GuestRegistry } from './guest-registry.js';
import { ensureOverlay } from '../overlay-disk.js';
import { QmpClient } from './qmp-client.js';
import { qemuArgv } from './qemu-argv.js';
import { inNetns, runTool } from '../run-tool.js';
import { sameGuestSpec } from '../same-guest-spec.js';

export interface QemuHypervisorOptions {
  cloudId: string;
  /** The driver's registry of defined guests (`<stateDir>/<instanceId>.json`); survives controller restarts. */
  stateDir: string;
  /** The cloud's network namespace; QEMU runs inside it (its tap appears there). null: the current namespace. */
  netns?: string | null;
  qemuBinary?: string;
  qemuImg?: string;
  /**
   * Enslaves the tap QEMU created to the bridge and brings it up; called while the guest is still paused.
   * Default: `ip link set <tap> master <bridge> up` inside `netns`. The network plane passes its netlink version.
   */
  attachTap?: (tapName: string, bridge: string) => Promise<void>;
  /** How long QEMU may take to open its QMP socket. Default 10 s. */
  startTimeoutMs?: number;
}

/**
 * The `qemu` driver: spawns `qemu-system-x86_64` directly and controls it over QMP. QEMU runs detached
 * (own session and process group) so guests outlive the controller; a restarted controller finds them
 * again through the registry, the pid file and the QMP socket (all tagged with cloud and instance id).
 */
export class QemuHypervisor implements Hypervisor {
  readonly kind = 'qemu' as const;
  private readonly opts: Required<Omit<QemuHypervisorOptions, 'attachTap'>> & Pick<QemuHypervisorOptions, 'attachTap'>;
  private readonly registry: GuestRegistry;

  constructor(opts: QemuHypervisorOptions) {
    this.opts = { netns: null, qemuBinary: 'qemu-system-x86_64', qemuImg: 'qemu-img', startTimeoutMs: 10_000, ...opts };
    this.registry = new GuestRegistry(opts.stateDir);
  }

  async define(spec: GuestSpec): Promise<void> {
    checkGuestSpec(spec);
    if (spec.cloudId !== this.opts.cloudId) throw errors.guestSpecInvalid(spec.instanceId, `belongs to cloud ${spec.cloudId}, not ${this.opts.cloudId}`);
    const existing = await this.registry.read(spec.instanceId);
    if (existing && !sameGuestSpec(existing, spec) && (await this.pidOf(existing)) !== null) {
      throw errors.guestSpecInvalid(spec.instanceId, 'is running with a different spec; stop it before redefining');
    }
    await mkdir(spec.runDir, { recursive: true });
    await ensureOverlay(spec.disk, this.opts.qemuImg);
    if (!existing || !sameGuestSpec(existing, spec)) await this.registry.write(spec);
    // The tag next to the process's own files: prune finds the cloud and instance from a pid alone.
    await writeFile(guestFiles(spec.runDir).specFile, JSON.stringify(spec, null, 2) + '\n');
  }

  async start(instanceId: string): Promise<void> {
    const spec = await this.spec(instanceId);
    if ((await this.pidOf(spec)) !== null) return;
    const files = guestFiles(spec.runDir);
    await mkdir(spec.runDir, { recursive: true });
    await Promise.all([files.qmpSocket, files.consoleSocket, files.pidFile].map((p) => rm(p, { force: true })));
    const argv = [...inNetns(this.opts.netns), this.opts.qemuBinary, ...qemuArgv(spec)];
    const stderrFd = openSync(files.stderrLog, 'w');
    const child = spawn(argv[0] ?? this.opts.qemuBinary, argv.slice(1), { detached: true, stdio: ['ignore', 'ignore', stderrFd] });
    closeSync(stderrFd);
    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = `QEMU exited with ${signal ?? code}`;
    });
    child.once('error', (err) => {
      exited = err.message;
    });
    child.unref();
    const fail = async (detail: string, cause?: unknown): Promise<never> => {
      if (child.pid !== undefined) signalProcess(child.pid, 'SIGKILL');
      const stderr = await readFile(files.stderrLog, 'utf8').catch(() => '');
      throw errors.guestStartFailed(instanceId, [detail, stderr.trim()].filter(Boolean).join(': ')).causedBy(cause);
    };
    const qmp = await this.connectQmp(files.qmpSocket, () => exited).catch((err: unknown) => fail(exited ?? 'QMP socket did not open', err));
    try {
      await (this.opts.attachTap ?? ((tap, bridge) => this.defaultAttachTap(tap, bridge)))(spec.nic.tapName, spec.nic.bridge).catch((err: unknown) =>
        fail(`cannot attach tap ${spec.nic.tapName} to bridge ${spec.nic.bridge}`, err),
      );
      await qmp.execute('cont').catch((err: unknown) => fail('QMP cont failed', err));
    } finally {
      qmp.close();
    }
  }

  async stop(instanceId: string, opts: { timeoutMs: number }): Promise<void> {
    const spec = await this.registry.read(instanceId);
    if (!spec) return;
    const pid = await this.pidOf(spec);
    if (pid === null) return;
    const powerdown = await QmpClient.open(guestFiles(spec.runDir).qmpSocket)
      .then(async (qmp) => {
        try {
          await qmp.execute('system_powerdown');
          return true;
        } finally {
          qmp.close();
        }
      })
      // A QMP socket that does not answer leaves only the forced path; that is what stop promises.
      .catch(() => false);
    if (powerdown && (await waitUntilGone(() => isProcessRunning(pid), opts.timeoutMs))) {
      await this.cleanRuntimeFiles(spec);
      return;
    }
    await this.kill(spec, pid);
  }

  async destroy(instanceId: string): Promise<void> {
    const spec = await this.registry.read(instanceId);
    if (!spec) return;
    const pid = await this.pidOf(spec);
    if (pid !== null) await this.kill(spec, pid);
  }

  async undefine(instanceId: string): Promise<void> {
    const spec = await this.registry.read(instanceId);
    if (!spec) return;
    await this.destroy(instanceId);
    await removeGuestFiles(spec);
    await this.registry.remove(instanceId);
  }

  async list(): Promise<GuestObservation[]> {
    const specs = (await this.registry.all()).filter((s) => s.cloudId === this.opts.cloudId);
    return Promise.all(
      specs.map(async (spec) => {
        const pid = await this.pidOf(spec);
        return {
          cloudId: spec.cloudId,
          instanceId: spec.instanceId,
          name: spec.name,
          state: pid === null ? ('shutoff' as const) : ('running' as const),
          pid,
          accelerator: pid === null ? null : spec.accelerator,
        };
      }),
    );
  }

  async attachConsole(instanceId: string): Promise<Duplex> {
    const spec = await this.spec(instanceId);
    if ((await this.pidOf(spec)) === null) throw errors.hypervisorUnavailable(`console of ${instanceId}: the guest is not running`);
    return attachConsoleSocket(instanceId, guestFiles(spec.runDir).consoleSocket);
  }

  async close(): Promise<void> {}

  private async spec(instanceId: string): Promise<GuestSpec> {
    const spec = await this.registry.read(instanceId);
    if (!spec) throw errors.guestUnknown(instanceId);
    return spec;
  }

  /** The live QEMU pid of a guest, or null (no pid file, stale pid, zombie). */
  private async pidOf(spec: GuestSpec): Promise<number | null> {
    const pid = await readPidFile(guestFiles(spec.runDir).pidFile);
    return pid !== null && (await isGuestProcess(pid, spec.name)) ? pid : null;
  }

  private async kill(spec: GuestSpec, pid: number): Promise<void> {
    signalProcess(pid, 'SIGKILL');
    if (!(await waitUntilGone(() => isProcessRunning(pid), 10_000))) {
      throw errors.hypervisorUnavailable(`QEMU pid ${pid} of ${spec.name} did not exit after SIGKILL`);
    }
    await this.cleanRuntimeFiles(spec);
  }

  /**
   * QEMU removes its pid file on a clean exit only; sockets stay either way. The tap QEMU created goes
   * with its last fd, a moment after the process: wait for that, so a restart can take the name again.
   */
  private async cleanRuntimeFiles(spec: GuestSpec): Promise<void> {
    const files = guestFiles(spec.runDir);
    await Promise.all([files.qmpSocket, files.consoleSocket, files.pidFile].map((p) => rm(p, { force: true })));
    const argv = [...inNetns(this.opts.netns), 'ip', 'link', 'show', 'dev', spec.nic.tapName];
    // `ip link show` failing is the answer we wait for: the tap is gone.
    const tapExists = (): Promise<boolean> => runTool(argv[0] ?? 'ip', argv.slice(1)).then(() => true, () => false);
    if (!(await waitUntilGone(tapExists, 3000))) {
      throw errors.hypervisorUnavailable(`tap ${spec.nic.tapName} of ${spec.name} still exists after QEMU exited`);
    }
  }

  private async connectQmp(socketPath: string, exited: () => string | null): Promise<QmpClient> {
    const deadline = Date.now() + this.opts.startTimeoutMs;
    for (;;) {
      const died = exited();
      if (died) throw new Error(died);
      try {
        return await QmpClient.open(socketPath, 2000);
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async defaultAttachTap(tap: string, bridge: string): Promise<void> {
    const argv = [...inNetns(this.opts.netns), 'ip', 'link', 'set', tap, 'master', bridge, 'up'];
    await runTool(argv[0] ?? 'ip', argv.slice(1));
  }
}
