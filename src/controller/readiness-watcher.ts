import { cloudNamed } from '../clouds/registry.js';
import { instanceDir, type CloudPaths } from '../core/guest-spec.js';
import { nextStageDeadline } from '../core/readiness-budget.js';
import { cloudInitErrorLine, diagnose, type Diagnosis } from '../core/readiness-hints.js';
import { hasReached, stageIndex } from '../domain/stages.js';
import { errors } from '../errors/catalogue.js';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { NetworkPlane } from '../ports/network.js';
import type { RequestLogStore } from '../ports/store.js';
import { ConsoleTailer } from './console-tailer.js';
import type { InstanceBook } from './instance-book.js';
import type { SshProbe } from './ssh-probe.js';
import type { ControllerInstance } from '../domain/controller-instance.js';
import type { InstanceRecord } from '../domain/instance.js';

const SSH_PROBE_EVERY_MS = 2000;

/**
 * Turns what can be seen of a booting guest into stage observations: console bytes (tailing the
 * console log from byte 0), DHCP leases (the network plane's lease list), metadata requests (bus
 * events from the metadata server) and ssh probes. Also notices overdue stages and explains them once.
 * Reads only; every state change goes through the InstanceBook.
 */
export class ReadinessWatcher {
  private readonly tailers = new Map<string, ConsoleTailer>();
  private readonly lastSshProbe = new Map<string, number>();
  private readonly probing = new Set<string>();
  private readonly warned = new Set<string>();
  private readonly deps: {
    book: InstanceBook;
    bus: EventBus;
    clock: Clock;
    network: NetworkPlane;
    requestLog: RequestLogStore;
    sshProbe: SshProbe;
    paths: CloudPaths;
  };

  constructor(deps: ReadinessWatcher['deps']) {
    this.deps = deps;
  }

  tailer(id: string): ConsoleTailer {
    let t = this.tailers.get(id);
    if (!t) {
      t = new ConsoleTailer(`${instanceDir(this.deps.paths, id)}/console.log`);
      this.tailers.set(id, t);
    }
    return t;
  }

  /** A metadata request from an instance (bus event). */
  onMetadataRequest(instanceId: string, at: number, path: string, status: number): void {
    this.deps.book.noteMetadataRequest(instanceId, at, status);
    const rec = this.deps.book.records.getInstance(instanceId);
    const userData = rec !== undefined && cloudNamed(rec.datasource).userDataRequest.test(path);
    this.deps.book.observe(instanceId, { kind: 'metadata', at, path, status, userData });
  }

  /** The guest reported its provisioning done to its cloud (the metadata server's `instance.reported`, state ready). */
  onReportedReady(instanceId: string, at: number): void {
    this.deps.book.observe(instanceId, { kind: 'reported', at });
  }

  /** One pass over the started, healthy instances. */
  async tick(): Promise<void> {
    const { book } = this.deps;
    const live = book.all().filter(({ inst }) => inst.desired === 'running' && !inst.failure && inst.stages.startedAt !== null);
    for (const id of this.tailers.keys()) if (!live.some((l) => l.inst.id === id)) this.tailers.delete(id);
    const needLease = live.filter(({ inst }) => !hasReached(inst.stages.stage, 'dhcp'));
    const leases = needLease.length > 0 ? (await this.deps.network.observe()).leases : [];
    for (const { inst, rec } of live) {
      await this.watchConsole(inst.id, rec.name);
      const lease = leases.find((l) => l.mac.toLowerCase() === rec.mac.toLowerCase());
      if (lease) book.observe(inst.id, { kind: 'lease', at: this.deps.clock.now(), ip: lease.ip });
      this.maybeProbeSsh(inst, rec);
      this.checkDeadline(inst.id);
    }
  }

  private async watchConsole(id: string, name: string): Promise<void> {
    const { newBytes, lines } = await this.tailer(id).poll();
    const now = this.deps.clock.now();
    if (newBytes) this.deps.book.observe(id, { kind: 'console', at: now });
    for (const line of lines) {
      this.deps.bus.publish({ type: 'instance.console', at: now, instanceId: id, line });
      const bad = cloudInitErrorLine(line);
      if (bad) {
        const err = errors.cloudInitFailed(name, bad);
        this.deps.book.fail(id, { code: err.code, message: err.message, hint: err.hint ?? null, exit: err.exitCode, at: now });
      }
    }
  }

  private maybeProbeSsh(inst: ControllerInstance, rec: InstanceRecord): void {
    const id = inst.id;
    if (!hasReached(inst.stages.stage, 'dhcp') || hasReached(inst.stages.stage, 'ready') || this.probing.has(id)) return;
    const now = this.deps.clock.now();
    if (now - (this.lastSshProbe.get(id) ?? 0) < SSH_PROBE_EVERY_MS) return;
    this.lastSshProbe.set(id, now);
    this.probing.add(id);
    void this.deps.sshProbe
      .probe(rec.ip, inst.image.sshUser)
      .then((ok) => {
        if (ok) this.deps.book.observe(id, { kind: 'ssh', at: this.deps.clock.now() });
      })
      .finally(() => this.probing.delete(id));
  }

  private checkDeadline(id: string): void {
    const inst = this.deps.book.rows.get(id);
    if (!inst) return;
    const deadline = nextStageDeadline(inst.stages.stage, inst.stages.reached[inst.stages.stage], inst.stages.startedAt, inst.accelerator);
    const now = this.deps.clock.now();
    if (!deadline || now < deadline.at) return;
    const key = `${id}:${deadline.stage}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const d = this.diagnosis(id);
    if (!d) return;
    this.deps.book.bumpErrors(id);
    this.deps.bus.publish({
      type: 'instance.error',
      at: now,
      instanceId: id,
      code: errors.readinessTimeout.code,
      message: `${id} has not reached ${d.waitingFor} yet (stuck at ${d.stage})`,
      hint: d.hint,
    });
  }

  /** Why the instance is not further along; null for an unknown id or a ready instance. */
  diagnosis(id: string): Diagnosis | null {
    const inst = this.deps.book.rows.get(id);
    const rec = this.deps.book.records.getInstance(id);
    if (!inst || !rec) return null;
    const stage = inst.stages.stage;
    const waitingFor = stage === 'ready' ? null : (['booting', 'dhcp', 'metadata', 'userdata', 'ssh', 'ready'] as const).find((s) => stageIndex(s) > stageIndex(stage));
    if (!waitingFor) return null;
    const since = stage === 'defined' ? (inst.stages.startedAt ?? inst.stages.reached.defined ?? 0) : (inst.stages.reached[stage] ?? 0);
    return diagnose({
      stage,
      waitingFor,
      guestState: this.deps.book.guestState(id),
      datasource: rec.datasource,
      delivery: cloudNamed(rec.datasource).delivery,
      userDataRequest: cloudNamed(rec.datasource).userDataRequest,
      stalledMs: Math.max(0, this.deps.clock.now() - since),
      consoleTail: this.tailer(id).lastLines(20),
      requests: this.deps.requestLog.query({ instanceId: id, limit: 10 }),
      hasUserData: rec.userData !== null,
    });
  }
}
