import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { expectedLogRow, fetchAndLog } from './cloud-metadata.js';
import { CloudWorld } from './world.js';

const REQUIRES = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'nft', 'busybox'] };

/** What issue 15's clouds ask of the IPv4 plane, as CLOUD_NETWORK_NEEDS carries it (every cloud's at once). */
const NEEDS: Partial<NetworkConfig> = {
  extraEndpoints: [
    { address: '168.63.129.16', ports: [80] },
    { address: '169.254.42.42', ports: [80] },
  ],
  gatewayPorts: [80, 8080],
  gatewayNames: ['data-server'],
  dhcpOptions: [{ code: 245, value: '168.63.129.16' }],
};

describeWhen(REQUIRES, "the clouds' IPv4 needs in a namespace: other endpoints, the gateway's ports and names, option 245, DigitalOcean's link-local phase", () => {
  let world: CloudWorld;
  let config: NetworkConfig;
  const hosts: NetworkHost[] = [
    { instanceId: 'i-00000000000000e01', mac: '52:54:00:ee:00:01', ip: '10.250.0.10', hostname: 'echo', tapName: 'mct-e' },
    // A DigitalOcean guest: no lease; it talks from 169.254.x.y until it has read its address.
    { instanceId: 'i-00000000000000f02', mac: '52:54:00:ee:00:02', ip: '10.250.0.11', hostname: 'foxtrot', tapName: 'mct-f', guestNetwork: 'link-local' },
    { instanceId: 'i-00000000000000a03', mac: '52:54:00:ee:00:03', ip: '10.250.0.12', hostname: 'golf', tapName: 'mct-g' },
  ];
  const dhcpGuest = () => world.guests[0]!;
  const doGuest = () => world.guests[1]!;
  const otherGuest = () => world.guests[2]!;

  beforeAll(async () => {
    world = await CloudWorld.create();
    // Strict reverse-path filtering, as hardened hosts have: the link-local path must not depend on it being off.
    await world.ns.run('sysctl', ['-qw', 'net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.default.rp_filter=1']);
    config = await world.up('needs', hosts, NEEDS);
  });

  afterAll(async () => {
    await world?.destroy();
  });

  it('a DHCP guest gets option 245 (unasked) and routes to the extra endpoints, and reaches the server through each, as itself', async () => {
    const r = await dhcpGuest().dhcp();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('opt245=a83f8110'); // 168.63.129.16
    const routes = await dhcpGuest().routes();
    for (const dst of ['168.63.129.16', '169.254.42.42', '169.254.169.254']) expect(routes).toContain(`${dst} via ${config.gateway}`);
    for (const base of ['http://169.254.42.42', 'http://168.63.129.16', `http://${config.gateway}`, `http://${config.gateway}:8080`]) {
      const ex = await fetchAndLog(dhcpGuest(), world.metadata, { base });
      expect(ex.answer, `${base}\n${ex.describe}`).toBe(`200 ${hosts[0]!.instanceId}`);
      expect(ex.logged).toEqual([expect.objectContaining(expectedLogRow(hosts[0]!))]);
    }
  });

  it('data-server resolves to the gateway', async () => {
    expect(await dhcpGuest().resolveName('data-server', config.gateway)).toEqual([config.gateway]);
  });

  it('the bridge answers ARP for the link-local endpoints it holds, not for the routable one', async () => {
    const addrs = (await world.ns.run('ip', ['-4', '-o', 'addr', 'show', 'dev', 'minicloud0'])).stdout;
    expect(addrs).toContain('169.254.169.254/32');
    expect(addrs).toContain('169.254.42.42/32');
    expect(addrs).not.toContain('168.63.129.16');
  });

  it('a link-local guest gets no lease', async () => {
    const r = await doGuest().dhcp();
    expect(r.code).not.toBe(0);
    const log = await readFile(join(config.stateDir, 'dnsmasq.log'), 'utf8');
    expect(log).toMatch(/DHCPDISCOVER\(minicloud0\) 52:54:00:ee:00:02 ignored/);
  });

  it("a link-local guest reaches 169.254.169.254 on-link from 169.254.x.y and is served as its own instance", async () => {
    await doGuest().linkLocal('169.254.77.9');
    const ex = await fetchAndLog(doGuest(), world.metadata);
    const dump = `${ex.describe}\n${(await world.ns.run('iptables-save', [])).stdout}\n${(await world.ns.run('ip', ['rule'])).stdout}`;
    expect(ex.answer, dump).toBe(`200 ${hosts[1]!.instanceId}`);
    expect(ex.logged).toEqual([expect.objectContaining(expectedLogRow(hosts[1]!))]);
    // And Scaleway's link-local endpoint, also on-link.
    const scw = await fetchAndLog(doGuest(), world.metadata, { base: 'http://169.254.42.42' });
    expect(scw.answer, scw.describe).toBe(`200 ${hosts[1]!.instanceId}`);
  });

  it('169.254.x.y from a guest that is not link-local, or from the link-local tap with another MAC, is dropped', async () => {
    await otherGuest().linkLocal('169.254.77.10');
    const other = await fetchAndLog(otherGuest(), world.metadata, { timeoutMs: 1500 });
    expect(other.answer, other.describe).toBeNull();
    expect(other.logged).toEqual([]);
    await doGuest().linkLocal('169.254.77.11', '52:54:00:ee:00:09');
    const forged = await fetchAndLog(doGuest(), world.metadata, { timeoutMs: 1500 });
    expect(forged.answer, forged.describe).toBeNull();
    expect(forged.logged).toEqual([]);
  });

  it('a link-local guest cannot send as an address the bridge holds', async () => {
    await doGuest().linkLocal('169.254.169.254', hosts[1]!.mac);
    const ex = await fetchAndLog(doGuest(), world.metadata, { base: 'http://169.254.42.42', timeoutMs: 1500 });
    expect(ex.answer, ex.describe).toBeNull();
    expect(ex.logged).toEqual([]);
  });

  it('teardown removes the policy-routing rule', async () => {
    const rules = (await world.ns.run('ip', ['rule'])).stdout;
    for (const from of ['10.250.0.1', '169.254.169.254', '169.254.42.42']) expect(rules).toMatch(new RegExp(`from ${from.replaceAll('.', '\\.')} to 169\\.254\\.0\\.0/16 lookup \\d+`));
    await world.plane.teardown();
    expect((await world.ns.run('ip', ['rule'])).stdout).not.toContain('169.254.0.0/16');
  });
});
