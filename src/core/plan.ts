import { dueEvents } from './cloud-event-timeline.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { GuestObservation } from '../ports/hypervisor.js';
import type { GuestNetwork, NetworkHost, NetworkObservation } from '../ports/network.js';
import type { ControllerInstance } from '../domain/controller-instance.js';

/**
 * plan(desired, observed) → actions. Level-based, as controller-runtime reconcilers are: the actions
 * depend only on what is wanted and what is there now, never on which event triggered the pass, so
 * running it again after a crash (or twice in a row) converges to the same world. Pure.
 */

export type Action =
  /** Create or repair the bridge, DHCP server and metadata redirect. */
  | { kind: 'network.ensureUp' }
  /** Replace the DHCP reservations with exactly these hosts. */
  | { kind: 'network.setHosts'; hosts: NetworkHost[] }
  /** Define the guest (idempotent), then start it. */
  | { kind: 'guest.create'; instanceId: string }
  /** Start a defined, never-started guest (e.g. the controller died between define and start). */
  | { kind: 'guest.start'; instanceId: string }
  /** Power off and undefine the guest of a deleted instance (each step idempotent). */
  | { kind: 'guest.remove'; instanceId: string }
  /** Power off (ACPI, then forced) the guest of a stopped instance; it stays defined. */
  | { kind: 'guest.stop'; instanceId: string }
  /** A cloud event's time came and the controller has not acted on it: act, and record what it did. */
  | { kind: 'cloud-event.fire'; instanceId: string; eventId: string }
  /** Drop a deleted instance whose guest is gone from the stores. */
  | { kind: 'instance.forget'; instanceId: string }
  /** The guest stopped, crashed or vanished after it was started: record a boot failure. */
  | { kind: 'instance.fail'; instanceId: string; reason: string }
  /** Take over a running guest the store knows (after a controller restart): learn its accelerator. */
  | { kind: 'instance.adopt'; instanceId: string; accelerator: GuestObservation['accelerator'] }
  /** A guest of this cloud that no instance owns (left by a crash before the store was written). */
  | { kind: 'orphan.remove'; instanceId: string; name: string };

export interface PlanInput {
  instances: ControllerInstance[];
  /** Metadata records by id (ip, mac, hostname and datasource, i.e. cloud, for DHCP). */
  records: ReadonlyMap<string, InstanceRecord>;
  guests: GuestObservation[];
  /** null when the network plane has not been observed (e.g. it failed); then it is (re)brought up. */
  network: NetworkObservation | null;
  /** The hosts last given to setHosts in this controller process; null after a (re)start. */
  appliedHosts: NetworkHost[] | null;
  /** Tap name of each instance (derived, see core/guest-spec.ts tapName). */
  tapNameOf: (instanceId: string) => string;
  /** How the guests of a datasource (cloud) get on the network (CloudFlavour.guestNetwork); `dhcp` when absent. */
  guestNetworkOf?: (datasource: string) => GuestNetwork;
  /** Remove guests no instance owns; `prune` sets it, the periodic pass only reports them. */
  removeOrphans: boolean;
  /** The controller's clock (epoch ms): which cloud events are due. */
  now: number;
}

function desiredHosts(input: Pick<PlanInput, 'instances' | 'records' | 'tapNameOf' | 'guestNetworkOf'>): NetworkHost[] {
  const hosts: NetworkHost[] = [];
  for (const inst of input.instances) {
    const rec = input.records.get(inst.id);
    if (inst.desired !== 'running' || !rec) continue;
    const linkLocal = input.guestNetworkOf?.(rec.datasource) === 'link-local';
    // cloud: the lease carries that cloud's DHCP profile only (NetworkConfig.dhcpProfiles), never another's.
    hosts.push({ instanceId: inst.id, mac: rec.mac, ip: rec.ip, hostname: rec.hostname, tapName: input.tapNameOf(inst.id), ...(linkLocal ? { guestNetwork: 'link-local' as const } : {}), cloud: rec.datasource });
  }
  return hosts.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}

function sameHosts(a: NetworkHost[], b: NetworkHost[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Order matters and is part of the contract: network first, then DHCP reservations (before a guest
 * boots, so its first DHCPDISCOVER is answered), then guest starts, then removals.
 */
export function plan(input: PlanInput): Action[] {
  const actions: Action[] = [];
  const net = input.network;
  if (!net || !net.bridgeUp || !net.metadataRedirect || !net.dhcpRunning) actions.push({ kind: 'network.ensureUp' });

  const hosts = desiredHosts(input);
  if (input.appliedHosts === null || !sameHosts(hosts, input.appliedHosts)) actions.push({ kind: 'network.setHosts', hosts });

  const guests = new Map(input.guests.map((g) => [g.instanceId, g]));
  const starts: Action[] = [];
  const removals: Action[] = [];
  for (const inst of input.instances) {
    const guest = guests.get(inst.id);
    guests.delete(inst.id);
    if (inst.desired === 'deleted') {
      removals.push(guest ? { kind: 'guest.remove', instanceId: inst.id } : { kind: 'instance.forget', instanceId: inst.id });
      continue;
    }
    if (inst.failure) continue; // terminal until deleted: never retry a failed boot in a loop
    if (inst.desired === 'stopped') {
      if (guest?.state === 'running' || guest?.state === 'paused') starts.push({ kind: 'guest.stop', instanceId: inst.id });
      continue;
    }
    for (const event of dueEvents(input.records.get(inst.id)?.cloudEvents ?? [], input.now)) starts.push({ kind: 'cloud-event.fire', instanceId: inst.id, eventId: event.id });
    const started = inst.stages.startedAt !== null;
    if (!guest) {
      starts.push(started ? { kind: 'instance.fail', instanceId: inst.id, reason: 'the guest disappeared from the hypervisor' } : { kind: 'guest.create', instanceId: inst.id });
      continue;
    }
    switch (guest.state) {
      case 'running':
      case 'paused':
        if (!started || inst.accelerator === null) starts.push({ kind: 'instance.adopt', instanceId: inst.id, accelerator: guest.accelerator });
        break;
      case 'shutoff':
        starts.push(started ? { kind: 'instance.fail', instanceId: inst.id, reason: 'the guest powered off' } : { kind: 'guest.start', instanceId: inst.id });
        break;
      case 'crashed':
        starts.push({ kind: 'instance.fail', instanceId: inst.id, reason: 'the guest crashed' });
        break;
      case 'unknown':
        break; // the driver could not tell; look again next pass rather than act on a guess
    }
  }
  const orphans: Action[] = input.removeOrphans
    ? [...guests.values()].map((g) => ({ kind: 'orphan.remove', instanceId: g.instanceId, name: g.name }) as const)
    : [];
  return [...actions, ...starts, ...removals, ...orphans];
}

/** Guests of this cloud that no instance owns (what `prune` would remove). */
export function orphanGuests(instances: ControllerInstance[], guests: GuestObservation[]): GuestObservation[] {
  const known = new Set(instances.map((i) => i.id));
  return guests.filter((g) => !known.has(g.instanceId));
}
