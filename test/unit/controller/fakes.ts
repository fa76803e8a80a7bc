// Minimal in-test fakes for the controller's ports, until the adapters' own fakes land on main
// (src/hypervisor/fake-hypervisor.ts, the network plane's fake, src/adapters/store/memory-*.ts).
import type { Duplex } from 'node:stream';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import { errors } from '../../../src/errors/catalogue.js';
import type { GuestObservation, GuestSpec, Hypervisor } from '../../../src/ports/hypervisor.js';
import type { NetworkConfig, NetworkHost, NetworkObservation, NetworkPlane } from '../../../src/ports/network.js';
import type { InstanceStore, RequestLogQuery, RequestLogStore } from '../../../src/ports/store.js';

export class TestHypervisor implements Hypervisor {
  readonly kind = 'fake' as const;
  readonly guests = new Map<string, { spec: GuestSpec; state: GuestObservation['state'] }>();
  readonly calls: string[] = [];
  failStart = new Set<string>();
  /** Resolves when released; lets a test hold a mutation open to check serialisation. */
  gate: Promise<void> | null = null;
  inFlight = 0;
  maxInFlight = 0;

  private async op<T>(name: string, fn: () => T): Promise<T> {
    this.calls.push(name);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      await new Promise((r) => setImmediate(r));
      return fn();
    } finally {
      this.inFlight -= 1;
    }
  }
  define(spec: GuestSpec) {
    return this.op(`define ${spec.instanceId}`, () => {
      if (!this.guests.has(spec.instanceId)) this.guests.set(spec.instanceId, { spec, state: 'shutoff' });
    });
  }
  start(id: string) {
    return this.op(`start ${id}`, () => {
      if (this.failStart.has(id)) throw new Error('qemu exited with status 1');
      const g = this.guests.get(id);
      if (!g) throw new Error(`no guest ${id}`);
      g.state = 'running';
    });
  }
  stop(id: string) {
    return this.destroy(id);
  }
  destroy(id: string) {
    return this.op(`destroy ${id}`, () => {
      const g = this.guests.get(id);
      if (g) g.state = 'shutoff';
    });
  }
  undefine(id: string) {
    return this.op(`undefine ${id}`, () => {
      this.guests.delete(id);
    });
  }
  async list(): Promise<GuestObservation[]> {
    return [...this.guests.values()].map((g) => ({ cloudId: g.spec.cloudId, instanceId: g.spec.instanceId, name: g.spec.name, state: g.state, pid: 1, accelerator: g.spec.accelerator }));
  }
  async attachConsole(instanceId: string): Promise<Duplex> {
    throw new Error(`the test hypervisor has no console for ${instanceId}`);
  }
  async close() {}
}

export class TestNetwork implements NetworkPlane {
  up = false;
  hosts: NetworkHost[] = [];
  leases: NetworkObservation['leases'] = [];
  readonly calls: string[] = [];
  async ensureUp(_config: NetworkConfig) {
    this.calls.push('ensureUp');
    this.up = true;
  }
  async setHosts(hosts: NetworkHost[]) {
    this.calls.push(`setHosts ${hosts.length}`);
    this.hosts = hosts;
  }
  async observe(): Promise<NetworkObservation> {
    return { bridgeUp: this.up, metadataRedirect: this.up, dhcpRunning: this.up, dhcpPid: this.up ? 2 : null, leases: this.leases };
  }
  async teardown() {
    this.calls.push('teardown');
    this.up = false;
    this.hosts = [];
  }
}

export class TestInstanceStore implements InstanceStore {
  readonly rows = new Map<string, InstanceRecord>();
  private rev = 0;
  insertInstance(r: InstanceRecord) {
    for (const o of this.rows.values()) {
      if (o.id === r.id) throw errors.instanceExists('id', r.id);
      if (o.name === r.name) throw errors.instanceExists('name', r.name);
      if (o.ip === r.ip) throw errors.instanceExists('IP', r.ip);
    }
    this.rows.set(r.id, r);
    this.rev += 1;
  }
  updateInstance(r: InstanceRecord) {
    if (!this.rows.has(r.id)) throw errors.instanceNotFound(r.id);
    this.rows.set(r.id, r);
    this.rev += 1;
  }
  deleteInstance(id: string) {
    this.rows.delete(id);
    this.rev += 1;
  }
  getInstance(id: string) {
    return this.rows.get(id);
  }
  getInstanceByIp(ip: string) {
    return [...this.rows.values()].find((r) => r.ip === ip);
  }
  listInstances() {
    return [...this.rows.values()];
  }
  revision() {
    return this.rev;
  }
  getPassword() {
    return null;
  }
  setPasswordOnce() {
    return true;
  }
}

export class TestRequestLog implements RequestLogStore {
  readonly records: MetadataRequestRecord[] = [];
  append(r: MetadataRequestRecord) {
    this.records.push(r);
  }
  flush() {}
  query(q: RequestLogQuery) {
    const hits = this.records.filter((r) => (q.instanceId === undefined || r.instanceId === q.instanceId) && (q.sinceTime === undefined || r.time > q.sinceTime));
    return q.limit === undefined ? hits : hits.slice(-q.limit);
  }
}
