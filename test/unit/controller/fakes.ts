// Controller-test doubles built on the adapters' own contract-checked fakes (FakeHypervisor,
// FakeNetworkPlane, the memory stores). The wrappers only add what these tests observe: the order of
// port calls, a gate to hold a mutation open, and injected start failures.
import type { Duplex } from 'node:stream';
import { FakeNetworkPlane } from '../../../src/adapters/network/fake-network-plane.js';
import { FakeHypervisor } from '../../../src/adapters/hypervisor/fake/fake-hypervisor.js';
import type { GuestObservation, GuestSpec, Hypervisor } from '../../../src/ports/hypervisor.js';
import type { NetworkConfig, NetworkHost, NetworkObservation, NetworkPlane } from '../../../src/ports/network.js';

export { MemoryInstanceStore as TestInstanceStore } from '../../../src/adapters/store/memory-instance-store.js';
export { MemoryRequestLog as TestRequestLog } from '../../../src/adapters/store/memory-request-log.js';

/** FakeHypervisor plus a call log, a gate and injected start failures. */
export class TestHypervisor implements Hypervisor {
  readonly kind = 'fake' as const;
  readonly fake: FakeHypervisor;
  readonly calls: string[] = [];
  /** Specs as last defined, by instance id (what the controller asked for). */
  readonly specs = new Map<string, GuestSpec>();
  failStart = new Set<string>();
  /** Resolves when released; lets a test hold a mutation open to check serialisation. */
  gate: Promise<void> | null = null;
  inFlight = 0;
  maxInFlight = 0;
  private onEnter: ((name: string) => void) | null = null;

  constructor(cloudId: string) {
    this.fake = new FakeHypervisor({ cloudId });
  }

  /**
   * Holds every mutation at its start until `release()`. `entered` resolves with the name of the
   * first one held, so a test can look at what the others do while it is open.
   */
  holdMutations(): { entered: Promise<string>; release: () => void } {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    const entered = new Promise<string>((resolve) => {
      this.onEnter = (name) => {
        this.onEnter = null;
        resolve(name);
      };
    });
    return { entered, release };
  }

  private async op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.calls.push(name);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.onEnter?.(name);
    try {
      if (this.gate) await this.gate;
      await new Promise((r) => setImmediate(r));
      return await fn();
    } finally {
      this.inFlight -= 1;
    }
  }
  define(spec: GuestSpec): Promise<void> {
    return this.op(`define ${spec.instanceId}`, async () => {
      await this.fake.define(spec);
      this.specs.set(spec.instanceId, spec);
    });
  }
  start(id: string): Promise<void> {
    return this.op(`start ${id}`, async () => {
      if (this.failStart.has(id)) throw new Error('qemu exited with status 1');
      await this.fake.start(id);
    });
  }
  stop(id: string, opts: { timeoutMs: number }): Promise<void> {
    return this.op(`stop ${id}`, () => this.fake.stop(id, opts));
  }
  destroy(id: string): Promise<void> {
    return this.op(`destroy ${id}`, () => this.fake.destroy(id));
  }
  undefine(id: string): Promise<void> {
    return this.op(`undefine ${id}`, async () => {
      await this.fake.undefine(id);
      this.specs.delete(id);
    });
  }
  list(): Promise<GuestObservation[]> {
    return this.fake.list();
  }
  attachConsole(instanceId: string): Promise<Duplex> {
    return this.fake.attachConsole(instanceId);
  }
  close(): Promise<void> {
    return this.fake.close();
  }
  async stateOf(id: string): Promise<GuestObservation['state'] | undefined> {
    return (await this.fake.list()).find((g) => g.instanceId === id)?.state;
  }
}

/** FakeNetworkPlane plus a call log and the last hosts it was given. */
export class TestNetwork implements NetworkPlane {
  readonly fake = new FakeNetworkPlane();
  readonly calls: string[] = [];
  hosts: NetworkHost[] = [];
  up = false;
  async ensureUp(config: NetworkConfig): Promise<void> {
    this.calls.push('ensureUp');
    await this.fake.ensureUp(config);
    this.up = true;
  }
  async setHosts(hosts: NetworkHost[]): Promise<void> {
    this.calls.push(`setHosts ${hosts.length}`);
    await this.fake.setHosts(hosts);
    this.hosts = hosts;
  }
  observe(): Promise<NetworkObservation> {
    return this.fake.observe();
  }
  async teardown(): Promise<void> {
    this.calls.push('teardown');
    await this.fake.teardown();
    this.up = false;
    this.hosts = [];
  }
}
