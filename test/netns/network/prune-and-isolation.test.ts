import { afterEach, expect, it } from 'vitest';
import type { NetworkHost } from '../../../src/ports/network.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { expectedLogRow, fetchAndLog } from './cloud-metadata.js';
import { listLeftovers, NOTHING_LEFT } from './leftovers.js';
import { CloudWorld } from './world.js';

const REQUIRES = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'nft', 'busybox', 'curl'] };
const host = (n: number, instanceId: string): NetworkHost => ({
  instanceId,
  mac: `52:54:00:bb:00:0${n}`,
  ip: `10.250.0.${10 + n}`,
  hostname: `guest-${n}`,
  tapName: `mct-${n}`,
});

/** The world's guest `i` asks the metadata server for its instance-id: it must get it, and be logged as itself. */
async function expectServed(world: CloudWorld, i: number, hosts: NetworkHost[]): Promise<void> {
  const h = hosts[i] as NetworkHost;
  const seen = await fetchAndLog(world.guests[i]!, world.metadata);
  expect(seen.answer, seen.describe).toBe(`200 ${h.instanceId}`);
  expect(seen.logged, seen.describe).toEqual([expect.objectContaining(expectedLogRow(h))]);
}

describeWhen(REQUIRES, 'network plane: crash recovery, prune and clouds side by side', () => {
  const worlds: CloudWorld[] = [];
  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.destroy();
  });

  it('after kill -9, a fresh up works; after another, prune removes every link, rule, process and file', async () => {
    const world = await CloudWorld.create();
    worlds.push(world);
    const hosts = [host(1, 'i-0000000000000c001')];
    const config = await world.up('crashy', hosts);
    await world.plane.kill('crash');
    const orphaned = await listLeftovers(world.ns, config.stateDir, config.bridge);
    expect(orphaned.dnsmasqPids).toHaveLength(1);
    expect(orphaned.links).toEqual(['minicloud0']);

    // A new controller process takes over what the crashed one left.
    const plane = world.restartDriver();
    await plane.ensureUp(config);
    await plane.setHosts(hosts);
    const adopted = await listLeftovers(world.ns, config.stateDir, config.bridge);
    expect(adopted.dnsmasqPids).toHaveLength(1);
    expect(adopted.dnsmasqPids).not.toEqual(orphaned.dnsmasqPids);
    expect(adopted.iptables.filter((l) => l.startsWith('-A PREROUTING'))).toHaveLength(1);
    expect(adopted.rules).toHaveLength(2); // from the gateway and from 169.254.169.254, not doubled
    expect((await world.guests[0]!.dhcp()).code).toBe(0);
    await expectServed(world, 0, hosts);

    await plane.kill('crash');
    const pruner = world.restartDriver();
    const report = await pruner.prune('crashy', [config.stateDir]);
    expect(report.links).toEqual(['minicloud0']);
    expect(report.processes).toHaveLength(1);
    expect(report.nftTables).toBe(1);
    expect(report.iptablesEntries).toBeGreaterThan(0);
    expect(await listLeftovers(world.ns, config.stateDir, config.bridge)).toEqual(NOTHING_LEFT);
    // Nothing left: a second prune finds nothing and succeeds.
    expect(await pruner.prune(null, [config.stateDir])).toEqual({ links: [], iptablesEntries: 0, nftTables: 0, processes: [], files: [] });
  });

  it('prune without state directories still finds the orphaned dnsmasq by its config tag', async () => {
    const world = await CloudWorld.create();
    worlds.push(world);
    const config = await world.up('orphan', [host(1, 'i-0000000000000d001')]);
    await world.plane.kill('crash');
    const report = await world.restartDriver().prune(null, []);
    expect(report.processes).toHaveLength(1);
    expect(await listLeftovers(world.ns, config.stateDir, config.bridge)).toEqual(NOTHING_LEFT);
  });

  it('two clouds in two namespaces run at once without interfering', async () => {
    const [a, b] = await Promise.all([CloudWorld.create(), CloudWorld.create()]);
    worlds.push(a, b);
    // Same subnet, same bridge name, same guest address: only the namespaces keep them apart.
    const hostsA = [host(1, 'i-000000000000aaaa1')];
    const hostsB = [host(1, 'i-000000000000bbbb1')];
    const [configA, configB] = await Promise.all([a.up('cloud-a', hostsA), b.up('cloud-b', hostsB)]);
    expect(configA.subnet).toBe(configB.subnet);
    const [dhcpA, dhcpB] = await Promise.all([a.guests[0]!.dhcp(), b.guests[0]!.dhcp()]);
    expect([dhcpA.code, dhcpB.code]).toEqual([0, 0]);
    expect(hostsA[0]!.ip).toBe(hostsB[0]!.ip);
    await expectServed(a, 0, hostsA);
    await expectServed(b, 0, hostsB);

    await a.plane.teardown();
    expect(await listLeftovers(a.ns, configA.stateDir, configA.bridge)).toEqual(NOTHING_LEFT);
    // Cloud B is untouched by A's teardown.
    expect(await b.plane.observe()).toMatchObject({ bridgeUp: true, metadataRedirect: true, dhcpRunning: true });
    await expectServed(b, 0, hostsB);
    await b.plane.teardown();
    expect(await listLeftovers(b.ns, configB.stateDir, configB.bridge)).toEqual(NOTHING_LEFT);
  });
});
