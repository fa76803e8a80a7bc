import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOUD_DHCP_PROFILES } from '../../../src/clouds/registry.js';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import type { MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import { TestNetns } from '../../helpers/netns.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { cleanUpAll } from './clean-up.js';
import { expectedLogRow, fetchAndLog, startCloudMetadata } from './cloud-metadata.js';
import { listLeftovers, NOTHING_LEFT } from './leftovers.js';
import { NetnsPlaneClient } from './plane-client.js';
import { VethGuest } from './veth-guest.js';

const REQUIRES = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'nft', 'busybox', 'curl'] };

describeWhen(REQUIRES, 'network plane in a namespace: DHCP, option 121, metadata DNAT, anti-spoofing, teardown', () => {
  let cloud: TestNetns;
  let plane: NetnsPlaneClient;
  let config: NetworkConfig;
  let server: MetadataServeProcess | undefined;
  let tmp: string;
  const guests: VethGuest[] = [];
  const hosts: NetworkHost[] = [
    { instanceId: 'i-00000000000000a01', mac: '52:54:00:aa:00:01', ip: '10.250.0.10', hostname: 'alpha', tapName: 'mct-a', cloud: 'ec2' },
    { instanceId: 'i-00000000000000b02', mac: '52:54:00:aa:00:02', ip: '10.250.0.11', hostname: 'bravo', tapName: 'mct-b', cloud: 'ec2' },
    { instanceId: 'i-00000000000000c03', mac: '52:54:00:aa:00:03', ip: '10.250.0.12', hostname: 'charlie', tapName: 'mct-c', cloud: 'ec2' },
  ];
  // A host the plane knows (its tap is in the anti-spoofing table, its MAC in dnsmasq's hosts file) whose guest
  // nevertheless asks DHCP for a lease with a MAC nobody reserved: only dnsmasq can refuse that.
  const decoy: NetworkHost = { instanceId: 'i-00000000000000d04', mac: '52:54:00:aa:00:04', ip: '10.250.0.13', hostname: 'delta', tapName: 'mct-d', cloud: 'ec2' };
  const decoyGuestMac = '52:54:00:aa:00:98';
  const planeHosts = [...hosts, decoy];
  const guest = (i: number): VethGuest => guests[i] as VethGuest;
  const host = (i: number): NetworkHost => hosts[i] as NetworkHost;
  const metadata = (): MetadataServeProcess => {
    if (server === undefined) throw new Error('the metadata server did not start (see the beforeAll error)');
    return server;
  };

  beforeAll(async () => {
    cloud = await TestNetns.create('mcnet');
    tmp = await mkdtemp('/tmp/mcnet-state-');
    const stateDir = join(tmp, 'network');
    plane = NetnsPlaneClient.start(cloud);
    const { subnet, gateway } = await plane.chooseSubnet('minicloud0');
    config = { cloudId: 'nettest', bridge: 'minicloud0', subnet, gateway, metadataPort: 8775, egress: false, domain: 'nettest.internal', stateDir, dhcpProfiles: CLOUD_DHCP_PROFILES };
    await plane.ensureUp(config);
    // The real server, on the gateway address the DNAT rule targets; it only knows the three guests.
    server = await startCloudMetadata(cloud, { gateway, port: 8775, hosts, dir: join(tmp, 'metadata') });
    for (const h of hosts) guests.push(await VethGuest.create(cloud, h.tapName as string, h.mac));
    // An instance the controller does not know: its tap is on the bridge, its MAC has no reservation.
    guests.push(await VethGuest.create(cloud, 'mct-x', '52:54:00:aa:00:99'));
    guests.push(await VethGuest.create(cloud, decoy.tapName as string, decoyGuestMac));
    await plane.setHosts(planeHosts);
    await plane.attachTap('mct-x');
  });

  afterAll(async () => {
    // The namespace takes the metadata server with it.
    await cleanUpAll('network plane test', [
      () => plane?.kill(),
      () => server?.close(),
      ...guests.map((g) => () => g.destroy()),
      () => cloud?.destroy(),
      () => tmp && rm(tmp, { recursive: true, force: true }),
    ]);
  });

  it('picks the first free /24 of an empty namespace', () => {
    expect(config.subnet).toBe('10.250.0.0/24');
    expect(config.gateway).toBe('10.250.0.1');
  });

  it("known guests get their reserved address by DHCP, with their cloud's option-121 routes (EC2's)", async () => {
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

  it('each guest reaches the metadata server through 169.254.169.254:80, is seen with its own address and gets its instance-id', async () => {
    for (const i of [0, 1]) {
      const seen = await fetchAndLog(guest(i), metadata());
      expect(seen.answer, seen.describe).toBe(`200 ${host(i).instanceId}`);
      expect(seen.logged, seen.describe).toEqual([expect.objectContaining(expectedLogRow(host(i)))]);
    }
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
    // On a port no host names, the anti-spoofing filter drops its frames before dnsmasq could see them.
    expect(await readFile(join(config.stateDir, 'dnsmasq.log'), 'utf8')).not.toContain(guest(3).mac);
  });

  it('dnsmasq itself refuses an unknown MAC that got past the anti-spoofing filter', async () => {
    const decoyGuest = guest(4);
    // Frames leave with the decoy host's MAC (what the filter checks on its tap); the DHCP request carries
    // the guest's own, unreserved MAC as chaddr (what dnsmasq matches against its hosts file).
    await decoyGuest.sendFramesAs(decoy.mac);
    const r = await decoyGuest.dhcp();
    const log = await readFile(join(config.stateDir, 'dnsmasq.log'), 'utf8');
    expect(r.code, log).not.toBe(0);
    expect(await decoyGuest.address()).toBeNull();
    // dnsmasq received the request (so the filter let it through) and ignored it for its MAC.
    expect(log).toMatch(new RegExp(`DHCPDISCOVER\\(${config.bridge}\\) ${decoyGuestMac} ignored`));
    expect(log).not.toMatch(new RegExp(`DHCPOFFER\\(${config.bridge}\\) \\S+ ${decoyGuestMac}`));
    const leases = (await plane.observe()).leases.map((l) => l.mac);
    expect(leases).not.toContain(decoyGuestMac);
    expect(leases).not.toContain(decoy.mac);
  });

  it("a guest forging another guest's IP gets nothing back, and the server sees no request", async () => {
    await guest(2).forge({ ip: host(0).ip, gateway: config.gateway });
    const seen = await fetchAndLog(guest(2), metadata(), { timeoutMs: 2000 });
    expect(seen.answer).toBeNull();
    expect(seen.logged, seen.describe).toEqual([]);
  });

  it("a guest forging another guest's MAC and IP gets nothing back, and the real guest still does", async () => {
    await guest(2).forge({ ip: host(0).ip, mac: host(0).mac, gateway: config.gateway });
    const forged = await fetchAndLog(guest(2), metadata(), { timeoutMs: 2000 });
    expect(forged.answer).toBeNull();
    expect(forged.logged, forged.describe).toEqual([]);
    const real = await fetchAndLog(guest(0), metadata());
    expect(real.answer, real.describe).toBe(`200 ${host(0).instanceId}`);
    expect(real.logged, real.describe).toEqual([expect.objectContaining(expectedLogRow(host(0)))]);
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
    await plane.setHosts(planeHosts);
    const rules = (await cloud.run('iptables-save', [])).stdout.split('\n').filter((l) => l.includes('minicloud:nettest'));
    expect(rules.filter((l) => l.startsWith('-A PREROUTING'))).toHaveLength(1);
    const seen = await fetchAndLog(guest(0), metadata());
    expect(seen.answer, seen.describe).toBe(`200 ${host(0).instanceId}`);
    expect(seen.logged, seen.describe).toEqual([expect.objectContaining(expectedLogRow(host(0)))]);
  });

  it('teardown leaves no link, rule, process or file behind', async () => {
    await plane.teardown();
    expect(await listLeftovers(cloud, config.stateDir, config.bridge)).toEqual(NOTHING_LEFT);
    await plane.teardown(); // MUST succeed when nothing is there
  });
});
