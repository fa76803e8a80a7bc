import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloudIpv6, guestIpv6 } from '../../../src/core/ipv6.js';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import type { MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import { describeRequests } from '../../helpers/metadata-serve-process.js';
import { TestNetns } from '../../helpers/netns.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { cleanUpAll } from './clean-up.js';
import { startCloudMetadata } from './cloud-metadata.js';
import { NetnsPlaneClient } from './plane-client.js';
import { VethGuest } from './veth-guest.js';

const REQUIRES = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'ip6tables', 'nft', 'busybox', 'curl'] };
const ID_PATH = '/latest/meta-data/instance-id';

describeWhen(REQUIRES, 'IPv6 metadata endpoints in a namespace: RA/SLAAC, ip6tables DNAT, identity by IPv6 source, anti-spoofing', () => {
  let cloud: TestNetns;
  let plane: NetnsPlaneClient;
  let config: NetworkConfig;
  let server: MetadataServeProcess | undefined;
  let tmp: string;
  const guests: VethGuest[] = [];
  const hosts: NetworkHost[] = [
    { instanceId: 'i-00000000000006a01', mac: '52:54:00:6a:00:01', ip: '10.250.0.10', hostname: 'alpha', tapName: 'mc6-a' },
    { instanceId: 'i-00000000000006b02', mac: '52:54:00:6a:00:02', ip: '10.250.0.11', hostname: 'bravo', tapName: 'mc6-b' },
  ];
  const ipv6 = cloudIpv6('net6test');
  const own = (i: number) => guestIpv6(ipv6, (hosts[i] as NetworkHost).mac);
  const guest = (i: number): VethGuest => guests[i] as VethGuest;
  const metadata = (): MetadataServeProcess => {
    if (server === undefined) throw new Error('the metadata server did not start (see the beforeAll error)');
    return server;
  };

  /** busybox wget, as minicirros has it; "<body>" or null when nothing came back within 4 s. */
  const wget = async (g: VethGuest, url: string): Promise<string | null> => {
    const r = await g.ns.runStatus('timeout', ['4', 'busybox', 'wget', '-q', '-O', '-', url], { timeoutMs: 10_000 });
    return r.code === 0 ? r.stdout : null;
  };
  /** Waits until eth0 holds `address` past duplicate address detection (SLAAC after the router advertisement). */
  const waitForAddress = async (g: VethGuest, address: string): Promise<void> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { stdout } = await g.ns.run('ip', ['-6', '-o', 'addr', 'show', 'dev', 'eth0']);
      if (stdout.includes(`${address}/`) && !stdout.includes('tentative')) return;
      if (Date.now() > deadline) throw new Error(`eth0 never got ${address}:\n${stdout}\n${await readFile(join(config.stateDir, 'dnsmasq.log'), 'utf8').catch(() => '')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Packets the last rule of bravo's anti-spoofing chain (`counter drop`) has dropped. */
  const forgerDrops = async (): Promise<number> => {
    const { stdout } = await cloud.run('nft', ['list', 'chain', 'bridge', 'minicloud-net6test', 'guest-1']);
    const counters = [...stdout.matchAll(/counter packets (\d+) bytes \d+ drop/g)];
    return Number(counters.at(-1)?.[1] ?? NaN);
  };

  beforeAll(async () => {
    cloud = await TestNetns.create('mcnet6');
    tmp = await mkdtemp('/tmp/mcnet6-state-');
    plane = NetnsPlaneClient.start(cloud);
    const { subnet, gateway } = await plane.chooseSubnet('minicloud0');
    config = {
      cloudId: 'net6test', bridge: 'minicloud0', subnet, gateway, metadataPort: 8775, egress: false, domain: 'net6test.internal', stateDir: join(tmp, 'network'),
      endpoints6: [
        { address: 'fd00:ec2::254', ports: [80] },
        { address: 'fe80::a9fe:a9fe', ports: [80] },
      ],
    };
    await plane.ensureUp(config);
    // The real server on the bridge's IPv6 gateway, where ip6tables DNATs the endpoints; it knows both guests by MAC.
    server = await startCloudMetadata(cloud, { gateway: `[${ipv6.gateway}]`, port: 8775, hosts, dir: join(tmp, 'metadata') });
    for (const h of hosts) guests.push(await VethGuest.create(cloud, h.tapName as string, h.mac));
    await plane.setHosts(hosts);
    await Promise.all(hosts.map((_, i) => waitForAddress(guest(i), own(i).global)));
  }, 60_000);

  afterAll(async () => {
    await cleanUpAll('IPv6 network test', [
      () => plane?.kill(),
      () => server?.close(),
      ...guests.map((g) => () => g.destroy()),
      () => cloud?.destroy(),
      () => tmp && rm(tmp, { recursive: true, force: true }),
    ]);
  });

  it('guests SLAAC their EUI-64 address from the advertised ULA /64 and route through the bridge', async () => {
    const routes = (await guest(0).ns.run('ip', ['-6', 'route', 'show'])).stdout;
    expect(routes).toMatch(/^default via fe80::\S+ dev eth0 proto ra/m);
    expect(routes).toContain(ipv6.prefix);
    expect(await plane.observe()).toMatchObject({ bridgeUp: true, metadataRedirect: true, dhcpRunning: true });
  });

  it('a guest fetching [fd00:ec2::254] is answered as itself, seen from its SLAAC address', async () => {
    for (const i of [0, 1]) {
      const mark = await metadata().mark();
      const answer = await wget(guest(i), `http://[fd00:ec2::254]${ID_PATH}`);
      const logged = await metadata().requestsAfter(mark);
      expect(answer, `${describeRequests(logged)}\n${metadata().output()}`).toBe((hosts[i] as NetworkHost).instanceId);
      expect(logged).toEqual([expect.objectContaining({ sourceIp: own(i).global, instanceId: (hosts[i] as NetworkHost).instanceId, path: ID_PATH, status: 200 })]);
    }
  });

  it("a link-local endpoint (Hetzner's fe80::a9fe:a9fe) answers from the guest's link-local address", async () => {
    const mark = await metadata().mark();
    const answer = await wget(guest(0), `http://[fe80::a9fe:a9fe%eth0]${ID_PATH}`);
    const logged = await metadata().requestsAfter(mark);
    expect(answer, describeRequests(logged)).toBe((hosts[0] as NetworkHost).instanceId);
    expect(logged).toEqual([expect.objectContaining({ sourceIp: own(0).linkLocal, instanceId: (hosts[0] as NetworkHost).instanceId })]);
  });

  it('nothing else on the host is reachable over IPv6, and nothing is routed on', async () => {
    // A port on the gateway other than the metadata one, and an off-link address the DNAT does not take.
    expect(await wget(guest(0), `http://[${ipv6.gateway}]:22/`)).toBeNull();
    expect(await wget(guest(0), 'http://[fd00:dead::1]/')).toBeNull();
  });

  it("a guest forging another's IPv6 source gets nothing, and the server never sees it", async () => {
    const forger = guest(1);
    // bravo takes alpha's SLAAC and link-local addresses and drops its own, so both are its only sources.
    await forger.ns.run('ip', ['-6', 'addr', 'flush', 'dev', 'eth0']);
    await forger.ns.run('ip', ['-6', 'addr', 'add', `${own(0).global}/64`, 'dev', 'eth0', 'nodad']);
    await forger.ns.run('ip', ['-6', 'addr', 'add', `${own(0).linkLocal}/64`, 'dev', 'eth0', 'nodad']);
    const dropsBefore = await forgerDrops();
    const mark = await metadata().mark();
    expect(await wget(forger, `http://[fd00:ec2::254]${ID_PATH}`)).toBeNull();
    expect(await wget(forger, `http://[fe80::a9fe:a9fe%eth0]${ID_PATH}`)).toBeNull();
    expect(await metadata().requestsAfter(mark)).toEqual([]);
    // Dropped at the bridge by bravo's anti-spoofing chain (guest-1: taps sort mc6-a, mc6-b), not lost elsewhere.
    expect(await forgerDrops()).toBeGreaterThan(dropsBefore);
    // The real owner still is answered as itself.
    expect(await wget(guest(0), `http://[fd00:ec2::254]${ID_PATH}`)).toBe((hosts[0] as NetworkHost).instanceId);
  });

  it('teardown removes the ip6tables rules with the rest', async () => {
    expect((await cloud.run('ip6tables-save', [])).stdout).toContain('minicloud:net6test');
    await plane.teardown();
    expect((await cloud.run('ip6tables-save', [])).stdout).not.toContain('minicloud:');
  });

  it('prune after a crash removes them too', async () => {
    await plane.ensureUp(config);
    expect((await cloud.run('ip6tables-save', [])).stdout).toContain('minicloud:net6test');
    await plane.kill('crash');
    plane = NetnsPlaneClient.start(cloud);
    const report = await plane.prune('net6test', [config.stateDir]);
    expect((await cloud.run('ip6tables-save', [])).stdout).not.toContain('minicloud:');
    expect(report.iptablesEntries).toBeGreaterThan(0);
  });
});
