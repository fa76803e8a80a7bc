import { open, readdir, rm } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { ImageRef } from '../domain/controller-instance.js';
import { instanceDir, tapName, type CloudPaths } from '../core/guest-spec.js';
import type { RandomBytes } from '../core/instance-id.js';
import type { InstanceInfo } from '../core/instance-view.js';
import { buildLaunch, type LaunchInput } from '../core/launch.js';
import { BUILTIN_LAUNCH_DEFAULTS, withLaunchDefaults, type LaunchDefaults } from '../core/launch-defaults.js';
import { orphanGuests, plan, type Action } from '../core/plan.js';
import type { Diagnosis } from '../core/readiness-hints.js';
import { initialStageState } from '../core/stage-tracker.js';
import type { InstanceSummary } from '../domain/events.js';
import type { InstanceRecord, PublicKey } from '../domain/instance.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import { isMinicloudError } from '../errors/catalogue.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { ControllerStore } from '../ports/controller-store.js';
import type { Hypervisor } from '../ports/hypervisor.js';
import type { Accelerator } from '../domain/controller-instance.js';
import type { NetworkConfig, NetworkHost, NetworkObservation, NetworkPlane } from '../ports/network.js';
import type { InstanceStore, RequestLogQuery, RequestLogStore } from '../ports/store.js';
import type { CloudEventView } from '../domain/cloud-event.js';
import { CLOUDS } from '../clouds/registry.js';
import { AsyncMutex } from './async-mutex.js';
import { CloudEventDesk, type CloudEventRequest } from './cloud-event-desk.js';
import { CloudEventTicker } from './cloud-event-ticker.js';
import { executeAction, type ExecuteContext } from './execute-action.js';
import { InstanceBook } from './instance-book.js';
import { ReadinessWatcher } from './readiness-watcher.js';
import type { SshProbe } from './ssh-probe.js';
import type { StrayGuestFinder } from '../ports/stray-guests.js';

/** What `prune` removed. */
export interface PruneResult {
  /** Guests the driver listed that no instance owns. */
  orphans: string[];
  /** Failed instances (now deleted). */
  failed: string[];
  /** Tagged QEMU processes no instance or driver accounts for (name and pid). */
  processes: string[];
  /** Per-instance directories (and anything else) removed. */
  files: string[];
}

export interface ControllerDeps {
  cloudId: string;
  hypervisor: Hypervisor;
  network: NetworkPlane;
  networkConfig: NetworkConfig;
  instances: InstanceStore;
  controllerStore: ControllerStore;
  requestLog: RequestLogStore;
  bus: EventBus;
  clock: Clock;
  random: RandomBytes;
  paths: CloudPaths;
  /** Chosen at `up` by the hypervisor's probe; every guest of this controller uses it. */
  accelerator: Accelerator;
  sshProbe: SshProbe;
  /** Image name or path → files; throws MC_ERR_IMAGE_NOT_FOUND / MC_ERR_IMAGE_INVALID. */
  resolveImage: (image: string) => ImageRef;
  /** The cloud's generated ssh key, given to every instance. */
  cloudKey: PublicKey | null;
  /** Writes a `configdrive` instance's `config-2` ISO (src/adapters/hypervisor/config-drive-iso.ts in production). */
  writeConfigDrive: (record: InstanceRecord, isoPath: string) => Promise<void>;
  /** Writes the provisioning CD of an instance that asks for it (src/adapters/hypervisor/provisioning-media-iso.ts in production). */
  writeProvisioningMedia: (record: InstanceRecord, isoPath: string) => Promise<void>;
  /** Finds and ends QEMU processes tagged with this cloud (prune): the /proc scan in production. */
  strayGuests: StrayGuestFinder;
  /** minicloud.yaml `defaults:`; BUILTIN_LAUNCH_DEFAULTS when absent. */
  defaults?: LaunchDefaults;
  reconcileIntervalMs?: number;
  watchIntervalMs?: number;
}

/**
 * The cloud's controller. Desired state lives in the stores; a level-based reconcile pass (on a timer
 * and on demand) compares it with what the hypervisor and network report and runs the planned
 * actions one at a time under one mutex, so libvirt/QEMU and the network never see two mutations at
 * once. A readiness watcher turns console bytes, leases, metadata requests and ssh probes into stages.
 * A restart re-adopts running guests: nothing is kept only in memory that a reconcile cannot rebuild.
 */
export class Controller {
  private readonly deps: ControllerDeps;
  private readonly mutex = new AsyncMutex();
  readonly book: InstanceBook;
  private readonly watcher: ReadinessWatcher;
  private readonly cloudEvents: CloudEventDesk;
  /** Wakes the reconcile at each cloud event's action time and announces notices and window ends. */
  readonly cloudEventTicker: CloudEventTicker;
  private appliedHosts: NetworkHost[] | null = null;
  /** Leases (mac → ip) seen at the last reconcile; launch avoids addresses leased to other MACs. */
  private lastLeases: { mac: string; ip: string }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private kickPending = false;
  private watching = false;
  private stopped = false;

  constructor(deps: ControllerDeps) {
    this.deps = deps;
    this.book = new InstanceBook({ records: deps.instances, rows: deps.controllerStore, bus: deps.bus, clock: deps.clock });
    this.watcher = new ReadinessWatcher({ book: this.book, bus: deps.bus, clock: deps.clock, network: deps.network, requestLog: deps.requestLog, sshProbe: deps.sshProbe, paths: deps.paths });
    this.cloudEvents = new CloudEventDesk({ book: this.book, bus: deps.bus, clock: deps.clock, random: deps.random });
    this.cloudEventTicker = new CloudEventTicker({ instances: deps.instances, bus: deps.bus, clock: deps.clock, onDue: () => this.kick() });
  }

  /** Subscribes to metadata requests, runs a first reconcile, then starts the timers. */
  async start(): Promise<void> {
    this.stopped = false;
    this.dropHalfWrittenRecords();
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      if (event.type === 'metadata.request' && event.request.instanceId) {
        this.watcher.onMetadataRequest(event.request.instanceId, event.request.time, event.request.path, event.request.status);
      }
      if (event.type === 'instance.reported' && event.state === 'ready') this.watcher.onReportedReady(event.instanceId, event.at);
    });
    await this.reconcile();
    this.cloudEventTicker.start();
    this.timers.push(setInterval(() => this.kick(), this.deps.reconcileIntervalMs ?? 2000));
    this.timers.push(setInterval(() => void this.watchOnce(), this.deps.watchIntervalMs ?? 500));
  }

  /** Stops the timers; guests keep running (a new controller re-adopts them). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.cloudEventTicker.stop();
  }

  /** Asks for a reconcile pass soon; coalesces bursts. */
  kick(): void {
    if (this.kickPending || this.stopped) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.reconcile({ unlessStopped: true }).catch((err: unknown) => this.notice('error', `reconcile failed: ${String(err)}`));
    });
  }

  /** One level-based pass; returns the actions it ran. */
  reconcile(opts: { removeOrphans?: boolean; unlessStopped?: boolean } = {}): Promise<Action[]> {
    return this.mutex.run(async () => {
      if (opts.unlessStopped && this.stopped) return [];
      const guests = await this.deps.hypervisor.list();
      this.book.setGuestStates(new Map(guests.map((g) => [g.instanceId, g.state])));
      const network = await this.observeNetwork();
      if (network) this.lastLeases = network.leases.map((l) => ({ mac: l.mac.toLowerCase(), ip: l.ip }));
      const all = this.book.all();
      const actions = plan({
        instances: all.map((a) => a.inst),
        records: new Map(all.map((a) => [a.rec.id, a.rec])),
        guests,
        network,
        appliedHosts: this.appliedHosts,
        tapNameOf: (id) => tapName(this.deps.cloudId, id),
        guestNetworkOf: (datasource) => CLOUDS.find((c) => c.name === datasource)?.guestNetwork ?? 'dhcp',
        removeOrphans: opts.removeOrphans ?? false,
        now: this.deps.clock.now(),
      });
      for (const action of actions) {
        try {
          await executeAction(this.executeContext(), action);
        } catch (err) {
          this.notice('error', `${action.kind}${'instanceId' in action ? ` ${action.instanceId}` : ''} failed: ${err instanceof Error ? err.message : String(err)}`, err);
        }
      }
      return actions;
    });
  }

  /** One readiness pass (also run by the timer). */
  async watchOnce(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    try {
      await this.watcher.tick();
    } catch (err) {
      this.notice('warn', `readiness watch failed: ${String(err)}`, err);
    } finally {
      this.watching = false;
    }
  }

  /** The launch defaults in force (minicloud.yaml `defaults:` over the built-in ones). */
  get defaults(): LaunchDefaults {
    return this.deps.defaults ?? BUILTIN_LAUNCH_DEFAULTS;
  }

  launch(input: LaunchInput): InstanceSummary[] {
    const req = withLaunchDefaults(input, this.defaults);
    const image = this.deps.resolveImage(req.image);
    const existing = this.deps.instances.listInstances();
    const macs = new Set(existing.map((r) => r.mac.toLowerCase()));
    const launched = buildLaunch(req, {
      image,
      existing,
      leasedElsewhere: this.lastLeases.filter((l) => !macs.has(l.mac)).map((l) => l.ip),
      subnet: this.deps.networkConfig.subnet,
      gateway: this.deps.networkConfig.gateway,
      cloudKey: this.deps.cloudKey,
      now: this.deps.clock.now(),
      random: this.deps.random,
      availabilityZone: 'minicloud-1a',
      region: 'minicloud-1',
    });
    for (const { record, instance } of launched) this.book.add(record, instance);
    this.kick();
    return launched.map(({ record, instance }) => this.book.summary(instance, record));
  }

  list(): InstanceSummary[] {
    return this.book.all().map(({ inst, rec }) => this.book.summary(inst, rec));
  }

  info(ref: string): InstanceInfo {
    const { inst, rec } = this.book.resolve(ref);
    return this.book.info(inst, rec);
  }

  /** Marks instances for deletion; the reconcile removes the guest, then the records. */
  remove(refs: string[] | 'all'): string[] {
    const ids = refs === 'all' ? this.book.all().map((a) => a.inst.id) : refs.map((r) => this.book.resolve(r).inst.id);
    for (const id of ids) this.book.update(id, (i) => ({ ...i, desired: 'deleted' }));
    this.kick();
    return ids;
  }

  /** Changes metadata while the guest runs; the next metadata request sees it. */
  setMetadata(ref: string, change: { meta?: Record<string, string>; userData?: Uint8Array | null }): InstanceInfo {
    const { rec } = this.book.resolve(ref);
    const next = { ...rec, meta: { ...rec.meta, ...(change.meta ?? {}) }, ...(change.userData !== undefined ? { userData: change.userData } : {}) };
    this.book.updateRecord(next);
    this.deps.bus.publish({ type: 'instance.metadata', at: this.deps.clock.now(), instanceId: rec.id, keys: Object.keys(change.meta ?? {}), userData: change.userData !== undefined });
    return this.info(rec.id);
  }

  /** Makes a cloud event for a running instance (docs/events.md); the reconcile acts on it when its time comes. */
  scheduleCloudEvent(ref: string, request: CloudEventRequest): CloudEventView {
    const view = this.cloudEvents.schedule(ref, request);
    this.kick();
    return view;
  }

  /** Withdraws a pending cloud event. */
  cancelCloudEvent(id: string): CloudEventView {
    return this.cloudEvents.cancel(id);
  }

  /** Every cloud event of every instance, as it stands now. */
  listCloudEvents(): CloudEventView[] {
    return this.cloudEvents.list();
  }

  /** The password the guest posted to the OpenStack password route, as Nova's `get-password` shows it. */
  password(ref: string): string | null {
    return this.deps.instances.getPassword(this.book.resolve(ref).inst.id);
  }

  diagnosis(ref: string): Diagnosis | null {
    return this.watcher.diagnosis(this.book.resolve(ref).inst.id);
  }

  metadataLog(q: RequestLogQuery & { ref?: string }): MetadataRequestRecord[] {
    const instanceId = q.ref ? this.book.resolve(q.ref).inst.id : q.instanceId;
    return this.deps.requestLog.query({ ...q, ...(instanceId ? { instanceId } : {}) });
  }

  /** The console log bytes from `offset` (for `console-log -f`), up to 1 MiB per call. */
  async consoleLog(ref: string, offset = 0): Promise<{ path: string; data: Buffer; nextOffset: number }> {
    const { inst } = this.book.resolve(ref);
    const path = `${instanceDir(this.deps.paths, inst.id)}/console.log`;
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, data: Buffer.alloc(0), nextOffset: 0 };
      throw err;
    }
    try {
      const { size } = await handle.stat();
      const start = Math.min(offset, size);
      const length = Math.min(size - start, 1 << 20);
      const data = Buffer.alloc(length);
      const { bytesRead } = await handle.read(data, 0, length, start);
      return { path, data: data.subarray(0, bytesRead), nextOffset: start + bytesRead };
    } finally {
      await handle.close();
    }
  }

  /**
   * The instance's serial console as a duplex stream (`minicloud console`): the hypervisor's own attach,
   * one client at a time; the console log keeps recording. Not serialised with the mutations: attaching
   * changes nothing the reconcile manages.
   */
  async attachConsole(ref: string): Promise<Duplex> {
    return this.deps.hypervisor.attachConsole(this.book.resolve(ref).inst.id);
  }

  /**
   * `minicloud prune` on a running cloud: removes guests the driver lists that no instance owns, failed
   * instances, QEMU processes tagged with this cloud that neither an instance nor the driver accounts for
   * (a crashed run's, or a dead libvirtd's), and per-instance directories no instance owns. The network
   * of the running cloud is its own and stays; crashed runs' network leftovers are pruned offline
   * (src/composition/prune-crashed-cloud.ts). Returns what it removed.
   */
  async prune(): Promise<PruneResult> {
    const orphans = orphanGuests(this.book.all().map((a) => a.inst), await this.deps.hypervisor.list()).map((g) => g.name);
    const failed = this.book.all().filter((a) => a.inst.failure !== null).map((a) => a.inst.id);
    for (const id of failed) this.book.update(id, (i) => ({ ...i, desired: 'deleted' }));
    await this.reconcile({ removeOrphans: true });
    return this.mutex.run(async () => {
      const owned = new Set([...this.book.all().map((a) => a.inst.id), ...(await this.deps.hypervisor.list()).map((g) => g.instanceId)]);
      const finder = this.deps.strayGuests;
      const strays = (await finder.find(this.deps.cloudId)).filter((p) => !owned.has(p.instanceId));
      for (const stray of strays) await finder.end(stray);
      const dirs = await readdir(this.deps.paths.instancesDir).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [];
        throw err;
      });
      const files = dirs.filter((d) => !owned.has(d)).map((d) => instanceDir(this.deps.paths, d));
      for (const path of files) await rm(path, { recursive: true, force: true });
      return { orphans, failed, processes: strays.map((p) => `${p.name} (pid ${p.pid})`), files };
    });
  }

  /**
   * `minicloud down`: powers off and undefines every guest (their overlays go with them), tears the
   * network down, forgets `--rm` instances and resets the others to `defined`, so the next `up`
   * boots them afresh from the store.
   */
  async shutdown(): Promise<void> {
    this.stop();
    await this.mutex.run(async () => {
      for (const guest of await this.deps.hypervisor.list()) {
        await this.deps.hypervisor.destroy(guest.instanceId);
        await this.deps.hypervisor.undefine(guest.instanceId);
      }
      this.book.setGuestStates(new Map());
      for (const { inst } of this.book.all()) {
        if (inst.removeOnExit || inst.desired === 'deleted') this.book.forget(inst.id);
        else this.book.update(inst.id, (i) => ({ ...i, accelerator: null, failure: null, stages: initialStageState(this.deps.clock.now()) }));
      }
      await this.deps.network.teardown();
      this.appliedHosts = null;
    });
  }

  private executeContext(): ExecuteContext {
    return {
      cloudId: this.deps.cloudId,
      hypervisor: this.deps.hypervisor,
      network: this.deps.network,
      networkConfig: this.deps.networkConfig,
      book: this.book,
      bus: this.deps.bus,
      clock: this.deps.clock,
      paths: this.deps.paths,
      accelerator: this.deps.accelerator,
      writeConfigDrive: this.deps.writeConfigDrive,
      writeProvisioningMedia: this.deps.writeProvisioningMedia,
      setAppliedHosts: (hosts) => {
        this.appliedHosts = hosts;
      },
    };
  }

  private async observeNetwork(): Promise<NetworkObservation | null> {
    try {
      return await this.deps.network.observe();
    } catch (err) {
      this.notice('warn', `cannot observe the network: ${String(err)}`, err);
      return null;
    }
  }

  /** Metadata records without a controller row were left by a crash inside `launch`; drop them. */
  private dropHalfWrittenRecords(): void {
    const rows = new Set(this.deps.controllerStore.list().map((r) => r.id));
    for (const rec of this.deps.instances.listInstances()) if (!rows.has(rec.id)) this.deps.instances.deleteInstance(rec.id);
  }

  private notice(level: 'info' | 'warn' | 'error', message: string, err?: unknown): void {
    this.deps.bus.publish({ type: 'notice', at: this.deps.clock.now(), level, message, ...(isMinicloudError(err) ? { code: err.code } : {}) });
  }
}
