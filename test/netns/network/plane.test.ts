import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import { TestNetns } from '../../helpers/netns.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { listLeftovers, NOTHING_LEFT } from './leftovers.js';
import { NetnsPlaneClient } from './plane-client.js';
import { startStubMetadataServer, VethGuest } from './veth-guest.js';

const REQUIRES = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'nft', 'busybox'] };

describeWhen(REQUIRES, 'network plane in a namespace: DHCP, option 121, metadata DNAT, anti-spoofing, teardown', () => {
  let cloud: TestNetns;
  let plane: NetnsPlaneClient;
  let config: NetworkConfig;
  let server: ChildProcess;
  let tmp: string;
  const guests: VethGuest[] = [];
  const hosts: NetworkHost[] = [
    { instanceId: 'i-00000000000000a01', mac: '52:54:00:aa:00:01', ip: '10.250.0.10', hostname: 'alpha', tapName: 'mct-a' },
    { instanceId: 'i-00000000000000b02', mac: '52:54:00:aa:00:02', ip: '10.250.0.11', hostname: 'bravo', tapName: 'mct-b' },
    { instanceId: 'i-00000000000000c03', mac: '52:54:00:aa:00:03', ip: '10.250.0.12', hostname: 'charlie', tapName: 'mct-c' },
  ];
  const guest = (i: number): VethGuest => guests[i] as VethGuest;

  beforeAll(async () => {
    cloud = await TestNetns.create('mcnet');
    tmp = await mkdtemp('/tmp/mcnet-state-');
    const stateDir = join(tmp, 'network');
    plane = NetnsPlaneClient.start(cloud);
    const { subnet, gateway } = await plane.chooseSubnet('minicloud0');
    config = { cloudId: 'nettest', bridge: 'minicloud0', subnet, gateway, metadataPort: 8775, egress: false, domain: 'nettest.internal', stateDir };
    await plane.ensureUp(config);
    server = await startStubMetadataServer(cloud, gateway, 8775, Object.fromEntries(hosts.map((h) => [h.ip, h.instanceId])));
    for (const h of hosts) guests.push(await VethGuest.create(cloud, h.tapName as string, h.mac));
    // An instance the controller does not know: its tap is on the bridge, its MAC has no reservation.
    guests.push(await VethGuest.create(cloud, 'mct-x', '52:54:00:aa:00:99'));
    await plane.setHosts(hosts);
    await plane.attachTap('mct-x');
  });

  afterAll(async () => {
    await plane?.kill();
    server?.kill();
    for (const g of guests) await g.destroy();
    await cloud?.destroy();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('picks the first free /24 of an empty namespace', () => {
    expect(config.subnet).toBe('10.250.0.0/24');
    expect(config.gateway).toBe('10.250.0.1');
  });

  it('known guests get their reserved address by DHCP, with the option-121 routes', async () => {
    for (const [i, h] of hosts.slice(0, 2).entries()) {
      const r = await guest(i).dhcp();
      const log = await readFile(join(config.stateDir, 'dnsmasq.log'), 'utf8');
      const nft = (await cloud.run('nft', ['list', 'ruleset', 'bridge'])).stdout;
      expect(r.code, `${r.stderr}\n${log}\n${nft}`).toBe(0);
      expect(await guest(i).address()).toBe(h.ip);
      const routes = await guest(i).routes();
      expect(routes).toMatch(/169\.254\.169\.254 via 10\.250\.0\.1/);
      expect(routes).toMatch(/default via 10\.250\.0\.1/);
    }
  });

  it('each guest reaches the metadata server through 169.254.169.254:80 and is seen with its own address', async () => {
    expect(await guest(0).fetchMetadata()).toBe(`200 ${hosts[0]?.instanceId} ${hosts[0]?.ip}`);
    expect(await guest(1).fetchMetadata()).toBe(`200 ${hosts[1]?.instanceId} ${hosts[1]?.ip}`);
  });

  it('dnsmasq answers DNS for instance names', async () => {
    expect(await guest(0).resolveName('bravo.nettest.internal', config.gateway)).toEqual([hosts[1]?.ip]);
  });

  it('observe reports the bridge, the DNAT rule, dnsmasq and the leases', async () => {
    const seen = await plane.observe();
    expect(seen).toMatchObject({ bridgeUp: true, metadataRedirect: true, dhcpRunning: true });
    expect(seen.leases.map((l) => [l.mac, l.ip]).sort()).toEqual([
      [hosts[0]?.mac, hosts[0]?.ip],
      [hosts[1]?.mac, hosts[1]?.ip],
    ]);
  });

  it('a guest with an unknown MAC gets no lease', async () => {
    const r = await guest(3).dhcp();
    expect(r.code).not.toBe(0);
    expect(await guest(3).address()).toBeNull();
    expect((await plane.observe()).leases.some((l) => l.mac === guest(3).mac)).toBe(false);
  });

  it("a guest forging another guest's IP gets nothing back", async () => {
    await guest(2).forge({ ip: hosts[0]?.ip as string, gateway: config.gateway });
    expect(await guest(2).fetchMetadata('/latest/meta-data/instance-id', 2000)).toBeNull();
  });

  it("a guest forging another guest's MAC and IP gets nothing back, and the real guest still does", async () => {
    await guest(2).forge({ ip: hosts[0]?.ip as string, mac: hosts[0]?.mac as string, gateway: config.gateway });
    expect(await guest(2).fetchMetadata('/latest/meta-data/instance-id', 2000)).toBeNull();
    expect(await guest(0).fetchMetadata()).toBe(`200 ${hosts[0]?.instanceId} ${hosts[0]?.ip}`);
  });

  it('dnsmasq is restarted when it dies, and the restart is reported', async () => {
    const before = (await plane.observe()).dhcpPid as number;
    process.kill(before, 'SIGKILL');
    await expect.poll(() => plane.events.some((e) => e.type === 'service.restarted' && e.service === 'dnsmasq'), { timeout: 10_000 }).toBe(true);
    const after = await plane.observe();
    expect(after.dhcpRunning).toBe(true);
    expect(after.dhcpPid).not.toBe(before);
    expect((await guest(1).dhcp()).code).toBe(0);
  });

  it('ensureUp and setHosts are idempotent', async () => {
    await plane.ensureUp(config);
    await plane.setHosts(hosts);
    const rules = (await cloud.run('iptables-save', [])).stdout.split('\n').filter((l) => l.includes('minicloud:nettest'));
    expect(rules.filter((l) => l.startsWith('-A PREROUTING'))).toHaveLength(1);
    expect(await guest(0).fetchMetadata()).toBe(`200 ${hosts[0]?.instanceId} ${hosts[0]?.ip}`);
  });

  it('teardown leaves no link, rule, process or file behind', async () => {
    await plane.teardown();
    expect(await listLeftovers(cloud, config.stateDir, config.bridge)).toEqual(NOTHING_LEFT);
    await plane.teardown(); // MUST succeed when nothing is there
  });
});
