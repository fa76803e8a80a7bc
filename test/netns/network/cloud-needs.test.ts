import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLOUD_DHCP_PROFILES } from '../../../src/clouds/registry.js';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { expectedLogRow, fetchAndLog } from './cloud-metadata.js';
import { CloudWorld } from './world.js';

const REQUIRES = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'nft', 'busybox'] };

/**
 * What issue 15's clouds ask of the IPv4 plane: the bridge's union, as CLOUD_NETWORK_NEEDS carries it,
 * and each cloud's own DHCP, from the registry's flavours as `up` passes it.
 */
const NEEDS: Partial<NetworkConfig> = {
  extraEndpoints: [
    { address: '168.63.129.16', ports: [80] },
    { address: '169.254.42.42', ports: [80] },
  ],
  gatewayPorts: [80, 8080],
  gatewayNames: ['data-server'],
  dhcpProfiles: CLOUD_DHCP_PROFILES,
};

describeWhen(REQUIRES, "the clouds' IPv4 needs in a namespace: other endpoints, the gateway's ports and names, DHCP per cloud, DigitalOcean's link-local phase", () => {
  let world: CloudWorld;
  let config: NetworkConfig;
  const hosts: NetworkHost[] = [
    { instanceId: 'i-00000000000000e01', mac: '52:54:00:ee:00:01', ip: '10.250.0.10', hostname: 'echo', tapName: 'mct-e', cloud: 'azure' },
    // A DigitalOcean guest: no lease; it talks from 169.254.x.y until it has read its address.
    { instanceId: 'i-00000000000000f02', mac: '52:54:00:ee:00:02', ip: '10.250.0.11', hostname: 'foxtrot', tapName: 'mct-f', guestNetwork: 'link-local', cloud: 'digitalocean' },
    { instanceId: 'i-00000000000000a03', mac: '52:54:00:ee:00:03', ip: '10.250.0.12', hostname: 'golf', tapName: 'mct-g', cloud: 'ec2' },
    { instanceId: 'i-00000000000000b04', mac: '52:54:00:ee:00:04', ip: '10.250.0.13', hostname: 'hotel', tapName: 'mct-h', cloud: 'scaleway' },
    { instanceId: 'i-00000000000000c05', mac: '52:54:00:ee:00:05', ip: '10.250.0.14', hostname: 'india', tapName: 'mct-i', cloud: 'vultr' },
  ];
  const dhcpGuest = () => world.guests[0]!;
  const doGuest = () => world.guests[1]!;
  const otherGuest = () => world.guests[2]!;
  const scalewayGuest = () => world.guests[3]!;
  const vultrGuest = () => world.guests[4]!;

  beforeAll(async () => {
    world = await CloudWorld.create();
    // Strict reverse-path filtering, as hardened hosts have: the link-local path must not depend on it being off.
    await world.ns.run('sysctl', ['-qw', 'net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.default.rp_filter=1']);
    config = await world.up('needs', hosts, NEEDS);
  });

  afterAll(async () => {
    await world?.destroy();
  });

  it("an Azure guest's lease carries Azure's DHCP: option 245 (unasked), routes to the wireserver and 169.254.169.254, no other cloud's; it reaches the server through each endpoint, as itself", async () => {
    const r = await dhcpGuest().dhcp();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('opt245=a83f8110'); // 168.63.129.16
    const routes = await dhcpGuest().routes();
    for (const dst of ['168.63.129.16', '169.254.169.254']) expect(routes).toContain(`${dst} via ${config.gateway}`);
    expect(routes).not.toContain('169.254.42.42'); // Scaleway's endpoint: reached by the default route
    expect(routes).toContain(`default via ${config.gateway}`);
    for (const base of ['http://169.254.42.42', 'http://168.63.129.16', `http://${config.gateway}`, `http://${config.gateway}:8080`]) {
      const ex = await fetchAndLog(dhcpGuest(), world.metadata, { base });
      expect(ex.answer, `${base}\n${ex.describe}`).toBe(`200 ${hosts[0]!.instanceId}`);
      expect(ex.logged).toEqual([expect.objectContaining(expectedLogRow(hosts[0]!))]);
    }
  });

  it("a Scaleway guest's lease carries no option 121 and no option 245, as Scaleway's DHCP; it reaches 169.254.42.42 by its default route", async () => {
    const r = await scalewayGuest().dhcp();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/staticroutes=|opt245=/);
    const routes = await scalewayGuest().routes();
    expect(routes).not.toMatch(/168\.63\.129\.16|169\.254\.169\.254|169\.254\.42\.42/);
    expect(routes).toContain(`default via ${config.gateway}`);
    const ex = await fetchAndLog(scalewayGuest(), world.metadata, { base: 'http://169.254.42.42' });
    expect(ex.answer, ex.describe).toBe(`200 ${hosts[3]!.instanceId}`);
    expect(ex.logged).toEqual([expect.objectContaining(expectedLogRow(hosts[3]!))]);
  });

  it('an EC2 guest gets the route to 169.254.169.254 and neither the wireserver route nor option 245; a Vultr guest gets the route its 22.4.2 checks for', async () => {
    const r = await otherGuest().dhcp();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^staticroutes=169\.254\.169\.254\/32 \S+ 0\.0\.0\.0\/0 \S+$/m);
    expect(r.stdout).not.toContain('opt245=');
    const routes = await otherGuest().routes();
    expect(routes).toContain(`169.254.169.254 via ${config.gateway}`);
    expect(routes).not.toMatch(/168\.63\.129\.16|169\.254\.42\.42/);
    const v = await vultrGuest().dhcp();
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).not.toContain('opt245=');
    expect(await vultrGuest().routes()).toContain(`169.254.169.254 via ${config.gateway}`);
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
