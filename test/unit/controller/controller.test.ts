import { mkdtemp, mkdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Controller, type ControllerDeps } from '../../../src/controller/controller.js';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import type { LaunchRequest } from '../../../src/core/launch.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { errors } from '../../../src/errors/catalogue.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from './fakes.js';

let dir: string;
let seq = 0;
const random = (n: number) => {
  seq += 1;
  return new Uint8Array(n).map((_, i) => (seq * 31 + i * 7) & 0xff);
};

function request(over: Partial<LaunchRequest> = {}): LaunchRequest {
  return { image: 'minicirros', name: null, count: 1, cpus: 1, memoryMiB: 256, diskBytes: null, datasource: 'ec2', userData: [], meta: {}, sshKeys: [], ip: null, imdsv2: 'optional', removeOnExit: false, ...over };
}

const controllers: Controller[] = [];

/** Resolves with the next event published on `bus` that `matches`. */
function nextEvent(bus: EventBus, matches: (event: MinicloudEvent) => boolean): Promise<MinicloudEvent> {
  return new Promise((resolve) => {
    const unsubscribe = bus.subscribe((event) => {
      if (!matches(event)) return;
      unsubscribe();
      resolve(event);
    });
  });
}

function world() {
  const clock = new ManualClock();
  const bus = new EventBus();
  const events: MinicloudEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const sshOk = new Set<string>();
  const deps: ControllerDeps = {
    cloudId: 'test',
    hypervisor: new TestHypervisor('test'),
    network: new TestNetwork(),
    networkConfig: { cloudId: 'test', bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataPort: 8775, egress: false, domain: 'minicloud', stateDir: join(dir, 'net') },
    instances: new TestInstanceStore(),
    controllerStore: new MemoryControllerStore(),
    requestLog: new TestRequestLog(),
    strayGuests: new FakeStrayGuestFinder(),
    bus,
    clock,
    random,
    paths: { instancesDir: join(dir, 'instances') },
    accelerator: 'tcg',
    sshProbe: { probe: async (ip) => sshOk.has(ip) },
    resolveImage: (image) => {
      if (image !== 'minicirros') throw errors.imageNotFound(image, 'minicirros');
      return { name: 'minicirros', path: '/images/minicirros/disk.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' };
    },
    cloudKey: { name: 'minicloud', key: 'ssh-ed25519 AAAA test' },
    writeConfigDrive: async (record, isoPath) => writeFile(isoPath, `config-2 of ${record.id}`),
    writeProvisioningMedia: async (record, isoPath) => writeFile(isoPath, `provisioning media of ${record.id}`),
    reconcileIntervalMs: 3_600_000,
    watchIntervalMs: 3_600_000,
  };
  const hv = deps.hypervisor as TestHypervisor;
  const net = deps.network as TestNetwork;
  const controller = new Controller(deps);
  controllers.push(controller);
  return { deps, clock, bus, events, hv, net, sshOk, controller };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mc-ctl-'));
});
afterEach(async () => {
  // A launch kicks a reconcile pass that may still be running behind the mutex when the test ends; it
  // would mkdir instance directories into `dir` after the rm. Stop each controller and wait it out.
  for (const controller of controllers.splice(0)) {
    controller.stop();
    await controller.reconcile({ unlessStopped: true });
  }
  await rm(dir, { recursive: true, force: true });
});

describe('controller', () => {
  it('launches instances: DHCP reservations first, then define and start, then running', async () => {
    const w = world();
    await w.controller.reconcile();
    const launched = w.controller.launch(request({ count: 3, userData: [1, 2, 3].map((n) => new TextEncoder().encode(`#!/bin/sh\necho ${n}\n`)) }));
    expect(launched.map((i) => i.ip)).toEqual(['10.77.0.10', '10.77.0.11', '10.77.0.12']);
    await w.controller.reconcile();
    const ids = launched.map((i) => i.id);
    expect(w.hv.calls).toEqual(ids.flatMap((id) => [`define ${id}`, `start ${id}`]));
    expect(w.net.calls).toEqual(['ensureUp', 'setHosts 0', 'setHosts 3']);
    expect(w.net.hosts.map((h) => h.ip)).toEqual([...launched].sort((a, b) => a.id.localeCompare(b.id)).map((i) => i.ip));
    await w.controller.reconcile();
    expect(w.controller.list().map((i) => i.state)).toEqual(['running', 'running', 'running']);
    expect(new TextDecoder().decode(w.deps.instances.getInstance(ids[1]!)?.userData ?? new Uint8Array())).toContain('echo 2');
    const spec = w.hv.specs.get(ids[0]!);
    expect(spec?.consoleLogPath).toBe(join(dir, 'instances', ids[0]!, 'console.log'));
    expect(spec?.name).toBe(`mc-test-${ids[0]}`);
    expect(w.events.filter((e) => e.type === 'instance.added')).toHaveLength(3);
  });

  it('tracks stages from console bytes, leases, metadata requests and ssh', async () => {
    const w = world();
    await w.controller.start();
    const [inst] = w.controller.launch(request());
    await w.controller.reconcile();
    const id = inst!.id;
    const consoleLog = join(dir, 'instances', id, 'console.log');
    w.clock.advance(700);
    await writeFile(consoleLog, 'SeaBIOS\nLinux version 6.1\n');
    await w.controller.watchOnce();
    expect(w.controller.info(id).stage).toBe('booting');
    w.clock.advance(800);
    expect(w.net.fake.grantLease(inst!.mac, Date.now() + 3_600_000)).toBe(true);
    await w.controller.watchOnce();
    expect(w.controller.info(id).stage).toBe('dhcp');
    w.clock.advance(100);
    const md = (path: string, status: number) => w.bus.publish({ type: 'metadata.request', at: w.clock.now(), request: { time: w.clock.now(), instanceId: id, sourceIp: inst!.ip, method: 'GET', path, status, bytes: 1, latencyMs: 1, userAgent: 'Wget', tokenUsed: false, flavour: 'ec2', fault: null } });
    md('/2009-04-04/meta-data/instance-id', 200);
    w.clock.advance(100);
    md('/2009-04-04/user-data', 200);
    expect(w.controller.info(id).stage).toBe('userdata');
    w.sshOk.add(inst!.ip);
    w.clock.advance(2500);
    // The watch pass starts the ssh probe and does not wait for it: its answer arrives as the stage event.
    const ready = nextEvent(w.bus, (e) => e.type === 'instance.stage' && e.stage === 'ready');
    await w.controller.watchOnce();
    await ready;
    const info = w.controller.info(id);
    expect(info.stage).toBe('ready');
    expect(info.stageDurations).toEqual({ booting: 700, dhcp: 1500, metadata: 1600, userdata: 1700, ssh: 4200, ready: 4200 });
    expect(info.lastMetadataAt).toBe(w.clock.now() - 2500);
    expect(w.events.filter((e) => e.type === 'instance.stage').map((e) => (e.type === 'instance.stage' ? e.stage : ''))).toEqual(['booting', 'dhcp', 'metadata', 'userdata', 'ssh', 'ready']);
    expect(w.events.filter((e) => e.type === 'instance.console').map((e) => (e.type === 'instance.console' ? e.line : ''))).toEqual(['SeaBIOS', 'Linux version 6.1']);
    w.controller.stop();
  });

  it('records reported-ready when the guest reports ready to its cloud (Azure\'s health report), between userdata and ssh', async () => {
    const w = world();
    await w.controller.start();
    const [inst] = w.controller.launch(request({ datasource: 'azure' }));
    await w.controller.reconcile();
    const id = inst!.id;
    w.clock.advance(1000);
    w.bus.publish({ type: 'metadata.request', at: w.clock.now(), request: { time: w.clock.now(), instanceId: id, sourceIp: inst!.ip, method: 'GET', path: '/metadata/instance?api-version=2021-08-01&extended=true', status: 200, bytes: 1, latencyMs: 1, userAgent: 'Cloud-Init/22.4.2', tokenUsed: false, flavour: 'azure', fault: null } });
    expect(w.controller.info(id).stage).toBe('userdata');
    w.clock.advance(200);
    // A failure report is not readiness.
    w.bus.publish({ type: 'instance.reported', at: w.clock.now(), instanceId: id, state: 'not-ready', detail: 'NotReady: ProvisioningFailed' });
    expect(w.controller.info(id).stage).toBe('userdata');
    w.bus.publish({ type: 'instance.reported', at: w.clock.now(), instanceId: id, state: 'ready', detail: null });
    const info = w.controller.info(id);
    expect(info.stage).toBe('reported-ready');
    expect(info.stageDurations['reported-ready']).toBe(info.stageDurations.userdata! + 200);
    expect(info.impliedStages).not.toContain('reported-ready');
    w.controller.stop();
  });

  it('re-adopts running guests after a restart without touching them, keeping what was recorded', async () => {
    const w = world();
    const [inst] = w.controller.launch(request({ name: 'keep-me' }));
    await w.controller.reconcile();
    w.controller.stop();
    const before = w.controller.info('keep-me');
    w.hv.calls.length = 0;
    const again = new Controller(w.deps);
    await again.reconcile();
    await again.reconcile();
    expect(w.hv.calls).toEqual([]);
    const after = again.info(inst!.id);
    expect(after).toMatchObject({ id: before.id, ip: before.ip, mac: before.mac, startedAt: before.startedAt, state: 'running', accelerator: 'tcg' });
  });

  it('starts a guest that was defined when the controller died before starting it', async () => {
    const w = world();
    const [inst] = w.controller.launch(request());
    await w.controller.reconcile();
    // Simulate: defined, never started, and the store never recorded the start.
    w.controller.stop();
    w.hv.fake.powerOffFromGuest(inst!.id);
    w.deps.controllerStore.put({ ...w.deps.controllerStore.get(inst!.id)!, stages: { ...w.deps.controllerStore.get(inst!.id)!.stages, startedAt: null } });
    w.hv.calls.length = 0;
    await new Controller(w.deps).reconcile();
    expect(w.hv.calls).toEqual([`start ${inst!.id}`]);
  });

  it('records a failed start as a boot failure (exit 4) and does not retry it', async () => {
    const w = world();
    const [inst] = w.controller.launch(request());
    w.hv.failStart.add(inst!.id);
    await w.controller.reconcile();
    await w.controller.reconcile();
    expect(w.hv.calls.filter((c) => c.startsWith('start'))).toHaveLength(1);
    const info = w.controller.info(inst!.id);
    expect(info.state).toBe('error');
    expect(info.failure).toMatchObject({ code: 'MC_ERR_GUEST_BOOT_FAILED', exit: 4 });
    expect(info.failure?.message).toContain('qemu exited with status 1');
    expect(w.events.some((e) => e.type === 'instance.error' && e.instanceId === inst!.id)).toBe(true);
  });

  it('marks a guest that powers off after start as failed, with a console-based hint', async () => {
    const w = world();
    const [inst] = w.controller.launch(request());
    await w.controller.reconcile();
    w.hv.fake.powerOffFromGuest(inst!.id);
    await w.controller.reconcile();
    expect(w.controller.info(inst!.id).failure).toMatchObject({ code: 'MC_ERR_GUEST_BOOT_FAILED', exit: 4 });
    expect(w.controller.info(inst!.id).failure?.message).toContain('powered off');
  });

  it('fails with exit 6 when the console shows a cloud-init error', async () => {
    const w = world();
    const [inst] = w.controller.launch(request());
    await w.controller.reconcile();
    await mkdir(join(dir, 'instances', inst!.id), { recursive: true });
    await appendFile(join(dir, 'instances', inst!.id, 'console.log'), 'cc_scripts_user.py[WARNING]: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts)\n');
    await w.controller.watchOnce();
    expect(w.controller.info(inst!.id).failure).toMatchObject({ code: 'MC_ERR_CLOUD_INIT_FAILED', exit: 6 });
  });

  it('explains an overdue stage once, with the hint for that stage', async () => {
    const w = world();
    const [inst] = w.controller.launch(request());
    await w.controller.reconcile();
    await writeFile(join(dir, 'instances', inst!.id, 'console.log'), 'Linux\n');
    await w.controller.watchOnce();
    w.clock.advance(10 * 60_000);
    await w.controller.watchOnce();
    await w.controller.watchOnce();
    const stalls = w.events.filter((e) => e.type === 'instance.error');
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toMatchObject({ code: 'MC_ERR_READINESS_TIMEOUT', hint: expect.stringMatching(/no DHCP request/) });
    expect(w.controller.diagnosis(inst!.id)).toMatchObject({ stage: 'booting', waitingFor: 'dhcp' });
  });

  it('deletes: powers off, undefines, drops the records and the DHCP reservation', async () => {
    const w = world();
    const [a, b] = w.controller.launch(request({ count: 2, name: 'web' }));
    await w.controller.reconcile();
    expect([a!.name, b!.name]).toEqual(['web-1', 'web-2']);
    w.hv.calls.length = 0;
    expect(w.controller.remove(['web-1'])).toEqual([a!.id]);
    await w.controller.reconcile();
    expect(w.hv.calls).toEqual([`destroy ${a!.id}`, `undefine ${a!.id}`]);
    expect(w.net.hosts.map((h) => h.instanceId)).toEqual([b!.id]);
    expect(w.controller.list().map((i) => i.name)).toEqual(['web-2']);
    expect(() => w.controller.info('web-1')).toThrow(expect.objectContaining({ code: 'MC_ERR_INSTANCE_NOT_FOUND' }));
  });

  it('serialises every hypervisor mutation, whoever asks', async () => {
    const w = world();
    const held = w.hv.holdMutations();
    w.controller.launch(request({ count: 3 }));
    const passes = [w.controller.reconcile(), w.controller.reconcile(), w.controller.prune()];
    // Every pass has asked before the first mutation starts. Unserialised, the other passes would
    // plan the same defines from the same state and run them too (or alongside: maxInFlight).
    expect(await held.entered).toMatch(/^define /);
    held.release();
    await Promise.all(passes);
    expect(w.hv.maxInFlight).toBe(1);
    expect(w.hv.calls.filter((c) => c.startsWith('define'))).toHaveLength(3);
  });

  it('does not hand out an address DHCP still leases to a deleted instance', async () => {
    const w = world();
    const [old] = w.controller.launch(request());
    await w.controller.reconcile();
    expect(w.net.fake.grantLease(old!.mac, Date.now() + 3_600_000)).toBe(true);
    await w.controller.reconcile();
    w.controller.remove([old!.id]);
    await w.controller.reconcile();
    const [fresh] = w.controller.launch(request());
    expect(fresh!.ip).not.toBe(old!.ip);
  });

  it('rejects bad launches with the documented codes, writing nothing', async () => {
    const w = world();
    expect(() => w.controller.launch(request({ image: 'nope' }))).toThrow(expect.objectContaining({ code: 'MC_ERR_IMAGE_NOT_FOUND', exitCode: 3 }));
    w.controller.launch(request({ name: 'dup' }));
    expect(() => w.controller.launch(request({ name: 'dup' }))).toThrow(expect.objectContaining({ code: 'MC_ERR_INSTANCE_EXISTS', exitCode: 1 }));
    expect(() => w.controller.launch(request({ ip: '10.77.0.10' }))).toThrow(expect.objectContaining({ code: 'MC_ERR_IP_IN_USE' }));
    expect(() => w.controller.launch(request({ count: 2, userData: [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)] }))).toThrow(expect.objectContaining({ code: 'MC_ERR_USAGE' }));
    expect(w.controller.list()).toHaveLength(1);
  });

  it('down removes every guest and the network, forgets --rm instances and keeps the rest for the next up', async () => {
    const w = world();
    const [keep] = w.controller.launch(request({ name: 'keep' }));
    w.controller.launch(request({ name: 'tmp', removeOnExit: true }));
    await w.controller.reconcile();
    await w.controller.shutdown();
    expect(await w.hv.list()).toEqual([]);
    expect(w.net.up).toBe(false);
    expect(w.controller.list().map((i) => [i.name, i.stage, i.state])).toEqual([['keep', 'defined', 'defined']]);
    w.hv.calls.length = 0;
    const next = new Controller(w.deps);
    await next.reconcile();
    expect(w.hv.calls).toEqual([`define ${keep!.id}`, `start ${keep!.id}`]);
  });

  it('writes the config drive of a configdrive instance before defining its guest', async () => {
    const w = world();
    const [inst] = w.controller.launch(request({ datasource: 'configdrive' }));
    await w.controller.reconcile();
    const spec = w.hv.specs.get(inst!.id);
    expect(spec?.configDrivePath).toBe(join(dir, 'instances', inst!.id, 'config-drive.iso'));
    expect(await readFile(spec!.configDrivePath!, 'utf8')).toBe(`config-2 of ${inst!.id}`);
    expect(spec?.smbios.system.product).toBe('OpenStack Nova');
  });

  it('writes the provisioning CD of an azure instance with meta provisioningMedia=true before defining its guest, and none without it', async () => {
    const w = world();
    const [asked, plain] = [...w.controller.launch(request({ name: 'ovf', datasource: 'azure', meta: { provisioningMedia: 'true' } })), ...w.controller.launch(request({ name: 'imds', datasource: 'azure' }))];
    await w.controller.reconcile();
    const spec = w.hv.specs.get(asked!.id);
    expect(spec?.cdromPath).toBe(join(dir, 'instances', asked!.id, 'provisioning-media.iso'));
    expect(await readFile(spec!.cdromPath!, 'utf8')).toBe(`provisioning media of ${asked!.id}`);
    expect(w.hv.specs.get(plain!.id)?.cdromPath).toBeNull();
  });

  it('fills what a launch leaves out from the cloud defaults (minicloud.yaml defaults:)', async () => {
    const w = world();
    const c = new Controller({ ...w.deps, defaults: { cpus: 2, memoryMiB: 512, diskBytes: 2 ** 30, datasource: 'nocloud', imdsv2: 'required', timeoutMs: null } });
    const { cpus: _c, memoryMiB: _m, diskBytes: _d, datasource: _ds, imdsv2: _i, ...bare } = request();
    const [inst] = c.launch(bare);
    expect(c.info(inst!.id)).toMatchObject({ cpus: 2, memoryMiB: 512, datasource: 'nocloud', imdsv2: 'required' });
    const [flagged] = c.launch({ ...bare, cpus: 1, datasource: 'ec2' });
    expect(c.info(flagged!.id)).toMatchObject({ cpus: 1, memoryMiB: 512, datasource: 'ec2' });
    c.stop(); // no reconcile after the test's directory is gone
  });

  it('prune removes orphan guests, failed instances, stray tagged QEMUs and unowned instance dirs, and nothing owned', async () => {
    const w = world();
    const strays = [
      { pid: 901, name: 'mc-test-i-00000000000000bad', instanceId: 'i-00000000000000bad' },
      { pid: 902, name: 'mc-test-KEEP', instanceId: 'KEEP' },
    ];
    const ended: number[] = [];
    const c = new Controller({ ...w.deps, strayGuests: { find: async () => strays, end: async (g) => void ended.push(g.pid) } });
    const [keep, broken] = c.launch(request({ count: 2, name: 'p' }));
    strays[1]!.instanceId = keep!.id;
    await c.reconcile();
    c.book.fail(broken!.id, { code: 'MC_ERR_GUEST_BOOT_FAILED', message: 'x', hint: null, exit: 4, at: 0 });
    const orphanSpec = { ...w.hv.specs.get(keep!.id)!, instanceId: 'i-0000000000000orph', name: 'mc-test-i-0000000000000orph', nic: { ...w.hv.specs.get(keep!.id)!.nic, tapName: 'mcorph', mac: '52:54:00:00:00:99' } };
    await w.hv.fake.define(orphanSpec);
    await mkdir(join(dir, 'instances', 'i-00000000000crashed'), { recursive: true });
    const result = await c.prune();
    expect(result).toEqual({
      orphans: ['mc-test-i-0000000000000orph'],
      failed: [broken!.id],
      processes: ['mc-test-i-00000000000000bad (pid 901)'],
      files: [join(dir, 'instances', 'i-00000000000crashed')],
    });
    expect(ended).toEqual([901]);
    expect((await w.hv.list()).map((g) => g.instanceId)).toEqual([keep!.id]);
    expect(c.list().map((i) => i.id)).toEqual([keep!.id]);
    expect(existsSync(join(dir, 'instances', keep!.id))).toBe(true);
    c.stop();
  });

  it('sets metadata and user-data on a running instance', async () => {
    const w = world();
    w.controller.launch(request({ name: 'm', meta: { a: '1' } }));
    const info = w.controller.setMetadata('m', { meta: { b: '2' }, userData: new TextEncoder().encode('#cloud-config\n') });
    expect(info.meta).toEqual({ a: '1', b: '2' });
    expect(info.userDataBytes).toBe(14);
    // Published, so the TUI shows it and long-polling metadata clients (GCE's wait_for_change) wake.
    expect(w.events.filter((e) => e.type === 'instance.metadata')).toEqual([{ type: 'instance.metadata', at: expect.any(Number), instanceId: info.id, keys: ['b'], userData: true }]);
  });
});
