import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { errors } from '../../../errors/catalogue.js';
import type { GuestObservation, GuestSpec, GuestState, Hypervisor } from '../../../ports/hypervisor.js';
import { checkGuestSpec } from '../check-guest-spec.js';
import { sameGuestSpec } from '../same-guest-spec.js';

interface FakeGuest {
  spec: GuestSpec;
  state: GuestState;
  pid: number | null;
  /** The guest's serial line: it emits 'data' for what the guest prints. */
  console: EventEmitter;
}

/**
 * In-memory Hypervisor for controller tests. Behaves like the real drivers as far as the contract suite
 * (test/contract/hypervisor.contract.ts) can tell, without disks, processes or daemons. Test hooks:
 * `crash(id)` and `powerOffFromGuest(id)` change a guest's state as a real guest would.
 */
export class FakeHypervisor implements Hypervisor {
  readonly kind = 'fake' as const;
  private readonly cloudId: string;
  private readonly guests = new Map<string, FakeGuest>();
  private nextPid = 40_000;

  constructor(opts: { cloudId: string }) {
    this.cloudId = opts.cloudId;
  }

  async define(spec: GuestSpec): Promise<void> {
    checkGuestSpec(spec);
    if (spec.cloudId !== this.cloudId) throw errors.guestSpecInvalid(spec.instanceId, `belongs to cloud ${spec.cloudId}, not ${this.cloudId}`);
    const existing = this.guests.get(spec.instanceId);
    if (existing) {
      if (sameGuestSpec(existing.spec, spec)) return;
      if (existing.state === 'running') throw errors.guestSpecInvalid(spec.instanceId, 'is running with a different spec; stop it before redefining');
      existing.spec = spec;
      return;
    }
    this.guests.set(spec.instanceId, { spec, state: 'shutoff', pid: null, console: new EventEmitter() });
  }

  async start(instanceId: string): Promise<void> {
    const guest = this.get(instanceId);
    if (guest.state === 'running') return;
    guest.state = 'running';
    guest.pid = this.nextPid++;
    guest.console.emit('data', Buffer.from(`[fake] ${guest.spec.name} booting\n`));
  }

  async stop(instanceId: string, _opts: { timeoutMs: number }): Promise<void> {
    this.powerOffFromGuest(instanceId);
  }

  async destroy(instanceId: string): Promise<void> {
    this.powerOffFromGuest(instanceId);
  }

  async undefine(instanceId: string): Promise<void> {
    const guest = this.guests.get(instanceId);
    if (!guest) return;
    guest.console.removeAllListeners();
    this.guests.delete(instanceId);
  }

  async list(): Promise<GuestObservation[]> {
    return [...this.guests.values()].map((g) => ({
      cloudId: g.spec.cloudId,
      instanceId: g.spec.instanceId,
      name: g.spec.name,
      state: g.state,
      pid: g.state === 'running' ? g.pid : null,
      accelerator: g.state === 'running' ? g.spec.accelerator : null,
    }));
  }

  async attachConsole(instanceId: string): Promise<Duplex> {
    const guest = this.get(instanceId);
    if (guest.state !== 'running') throw errors.hypervisorUnavailable(`console of ${instanceId}: the guest is not running`);
    // Keystrokes are echoed back, like a serial line with a shell on it.
    const onOutput = (chunk: Buffer): void => {
      stream.push(chunk);
    };
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        guest.console.emit('data', chunk);
        done();
      },
      destroy(err, done) {
        guest.console.off('data', onOutput);
        done(err);
      },
    });
    guest.console.on('data', onOutput);
    return stream;
  }

  async close(): Promise<void> {}

  /** Test hook: the guest powered itself off (or a stop completed). */
  powerOffFromGuest(instanceId: string): void {
    const guest = this.guests.get(instanceId);
    if (!guest || guest.state !== 'running') return;
    guest.state = 'shutoff';
    guest.pid = null;
  }

  /** Test hook: the guest crashed. */
  crash(instanceId: string): void {
    const guest = this.get(instanceId);
    guest.state = 'crashed';
    guest.pid = null;
  }

  private get(instanceId: string): FakeGuest {
    const guest = this.guests.get(instanceId);
    if (!guest) throw errors.guestUnknown(instanceId);
    return guest;
  }
}
