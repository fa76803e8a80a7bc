import { describe, expect, it } from 'vitest';
import type { ControllerInstance } from '../../../src/domain/controller-instance.js';
import { spotEvent } from '../../../src/core/cloud-event-spec.js';
import { plan, type PlanInput } from '../../../src/core/plan.js';
import { initialStageState } from '../../../src/core/stage-tracker.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import type { GuestObservation, GuestState } from '../../../src/ports/hypervisor.js';
import type { NetworkObservation } from '../../../src/ports/network.js';

function inst(id: string, over: Partial<ControllerInstance> = {}, startedAt: number | null = null): ControllerInstance {
  return {
    id,
    desired: 'running',
    image: { name: 'minicirros', path: '/img', format: 'qcow2', kernel: null, sshUser: 'root' },
    cpus: 1,
    memoryMiB: 256,
    diskBytes: null,
    removeOnExit: false,
    accelerator: startedAt === null ? null : 'tcg',
    stages: { ...initialStageState(0), startedAt },
    failure: null,
    ...over,
  };
}

function rec(id: string, n: number): InstanceRecord {
  return { id, ip: `10.77.0.${n}`, mac: `52:54:00:00:00:0${n}`, hostname: `h${n}` } as InstanceRecord;
}

function guest(id: string, state: GuestState): GuestObservation {
  return { cloudId: 'c', instanceId: id, name: `mc-c-${id}`, state, pid: null, accelerator: 'tcg' };
}

const netUp: NetworkObservation = { bridgeUp: true, metadataRedirect: true, dhcpRunning: true, dhcpPid: 1, leases: [] };

function input(over: Partial<PlanInput>): PlanInput {
  const instances = over.instances ?? [];
  const records = new Map(instances.map((i, n) => [i.id, rec(i.id, n + 10)]));
  return {
    instances,
    records,
    guests: [],
    network: netUp,
    appliedHosts: null,
    tapNameOf: (id) => `tap-${id}`,
    removeOrphans: false,
    now: 0,
    ...over,
  };
}

const kinds = (p: PlanInput) => plan(p).map((a) => ('instanceId' in a ? `${a.kind}:${a.instanceId}` : a.kind));

describe('plan', () => {
  it('brings the network up when any part is missing or unknown', () => {
    expect(kinds(input({ network: null, appliedHosts: [] }))).toEqual(['network.ensureUp']);
    expect(kinds(input({ network: { ...netUp, dhcpRunning: false }, appliedHosts: [] }))).toEqual(['network.ensureUp']);
    expect(kinds(input({ appliedHosts: [] }))).toEqual([]);
  });

  it('creates new instances after their DHCP reservations are set', () => {
    const p = input({ instances: [inst('i-a'), inst('i-b')] });
    expect(kinds(p)).toEqual(['network.setHosts', 'guest.create:i-a', 'guest.create:i-b']);
    const setHosts = plan(p)[0];
    expect(setHosts).toEqual({
      kind: 'network.setHosts',
      hosts: [
        { instanceId: 'i-a', mac: '52:54:00:00:00:010', ip: '10.77.0.10', hostname: 'h10', tapName: 'tap-i-a' },
        { instanceId: 'i-b', mac: '52:54:00:00:00:011', ip: '10.77.0.11', hostname: 'h11', tapName: 'tap-i-b' },
      ],
    });
  });

  it("marks the hosts of a link-local cloud's instances (DigitalOcean), so the plane gives them no lease", () => {
    const instances = [inst('i-a'), inst('i-b')];
    const records = new Map([
      ['i-a', { ...rec('i-a', 10), datasource: 'digitalocean' }],
      ['i-b', { ...rec('i-b', 11), datasource: 'ec2' }],
    ]);
    const p = input({ instances, records, guestNetworkOf: (ds) => (ds === 'digitalocean' ? 'link-local' : 'dhcp') });
    const hosts = plan(p).flatMap((x) => (x.kind === 'network.setHosts' ? x.hosts : []));
    expect(hosts.map((h) => [h.instanceId, h.guestNetwork])).toEqual([
      ['i-a', 'link-local'],
      ['i-b', undefined],
    ]);
  });

  it("tags each host with its instance's cloud, so its lease carries that cloud's DHCP only", () => {
    const records = new Map([
      ['i-a', { ...rec('i-a', 10), datasource: 'scaleway' }],
      ['i-b', { ...rec('i-b', 11), datasource: 'azure' }],
    ]);
    const hosts = plan(input({ instances: [inst('i-a'), inst('i-b')], records })).flatMap((x) => (x.kind === 'network.setHosts' ? x.hosts : []));
    expect(hosts.map((h) => [h.instanceId, h.cloud])).toEqual([
      ['i-a', 'scaleway'],
      ['i-b', 'azure'],
    ]);
  });

  it('is level-based: the world as wanted yields no actions, whatever happened before', () => {
    const a = inst('i-a', {}, 5);
    const first = input({ instances: [a], guests: [guest('i-a', 'running')] });
    const hosts = plan(first).flatMap((x) => (x.kind === 'network.setHosts' ? [x.hosts] : []))[0] ?? [];
    expect(kinds({ ...first, appliedHosts: hosts })).toEqual([]);
    expect(kinds({ ...first, appliedHosts: hosts })).toEqual([]);
  });

  it.each<[string, ControllerInstance, GuestState | null, string[]]>([
    ['defined, never started (controller died between define and start)', inst('i-a'), 'shutoff', ['guest.start:i-a']],
    ['running guest the store knows, after a restart', inst('i-a'), 'running', ['instance.adopt:i-a']],
    ['started guest that powered off', inst('i-a', {}, 5), 'shutoff', ['instance.fail:i-a']],
    ['started guest that crashed', inst('i-a', {}, 5), 'crashed', ['instance.fail:i-a']],
    ['started guest that vanished', inst('i-a', {}, 5), null, ['instance.fail:i-a']],
    ['failed instance is left alone', inst('i-a', { failure: { code: 'X', message: 'm', hint: null, exit: 4, at: 1 } }, 5), 'shutoff', []],
    ['guest in an unknown state is looked at again later', inst('i-a', {}, 5), 'unknown', []],
    ['deleted instance with a guest', inst('i-a', { desired: 'deleted' }, 5), 'running', ['guest.remove:i-a']],
    ['deleted instance without a guest', inst('i-a', { desired: 'deleted' }, 5), null, ['instance.forget:i-a']],
    ['stopped instance whose guest still runs (a cloud event stopped it)', inst('i-a', { desired: 'stopped' }, 5), 'running', ['guest.stop:i-a']],
    ['stopped instance with its guest off', inst('i-a', { desired: 'stopped' }, 5), 'shutoff', []],
    ['stopped instance without a guest (after down and up)', inst('i-a', { desired: 'stopped' }, 5), null, []],
  ])('%s', (_name, instance, state, expected) => {
    const p = input({ instances: [instance], guests: state ? [guest('i-a', state)] : [] });
    const hosts = instance.desired === 'running' ? [{ instanceId: 'i-a', mac: '52:54:00:00:00:010', ip: '10.77.0.10', hostname: 'h10', tapName: 'tap-i-a' }] : [];
    expect(kinds({ ...p, appliedHosts: hosts })).toEqual(expected);
  });

  it('drops a deleted instance from the DHCP reservations', () => {
    const p = input({ instances: [inst('i-a', { desired: 'deleted' }, 5)], guests: [guest('i-a', 'running')], appliedHosts: [{ instanceId: 'i-a', mac: 'm', ip: 'i', hostname: 'h', tapName: 't' }] });
    expect(plan(p)[0]).toEqual({ kind: 'network.setHosts', hosts: [] });
  });

  it('fires the cloud events whose time came, once each, only for running instances', () => {
    const spot = spotEvent('instance-event-00000000000000001', 0, { action: 'stop', inMs: 100, act: true });
    const later = spotEvent('instance-event-00000000000000002', 0, { action: 'stop', inMs: 500, act: true });
    const records = new Map([['i-a', { ...rec('i-a', 10), cloudEvents: [spot, later] }], ['i-b', { ...rec('i-b', 11), cloudEvents: [spot] }]]);
    const instances = [inst('i-a', {}, 5), inst('i-b', { desired: 'stopped' }, 5)];
    const guests = [guest('i-a', 'running'), guest('i-b', 'shutoff')];
    const fires = (now: number) => plan(input({ instances, records, guests, now })).filter((a) => a.kind === 'cloud-event.fire');
    expect(fires(99)).toEqual([]);
    expect(fires(100)).toEqual([{ kind: 'cloud-event.fire', instanceId: 'i-a', eventId: spot.id }]);
    expect(fires(500).map((a) => ('eventId' in a ? a.eventId : ''))).toEqual([spot.id, later.id]);
    const fired = { ...spot, fired: { at: 100, outcome: 'not-acted' as const, detail: null } };
    records.set('i-a', { ...rec('i-a', 10), cloudEvents: [fired, later] });
    expect(fires(200)).toEqual([]);
  });

  it('removes orphan guests only when asked (prune)', () => {
    const p = input({ guests: [guest('i-zz', 'running')], appliedHosts: [] });
    expect(kinds(p)).toEqual([]);
    expect(plan({ ...p, removeOrphans: true })).toEqual([{ kind: 'orphan.remove', instanceId: 'i-zz', name: 'mc-c-i-zz' }]);
  });
});
