import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TestNetns } from '../helpers/netns.js';
import { describeWhen } from '../helpers/tier-requirements.js';
import { NetnsPlaneClient } from '../netns/network/plane-client.js';
import { listLeftovers, NOTHING_LEFT } from '../netns/network/leftovers.js';
import { networkPlaneContract, type NetworkPlaneHarness } from './network-plane.contract.js';

// The Linux plane runs in a driver process inside a fresh namespace per test (netlink works in the
// namespace of the process that opens it); after each test nothing of it may be left there.
const worlds = new Map<NetworkPlaneHarness, { ns: TestNetns; client: NetnsPlaneClient; tmp: string }>();

describeWhen({ root: true, commands: ['ip', 'dnsmasq', 'iptables', 'nft'] }, 'NetworkPlane contract: Linux (in a netns)', () => {
  networkPlaneContract(
    async () => {
      const ns = await TestNetns.create('mcnetc');
      const tmp = await mkdtemp('/tmp/mcnet-contract-');
      const client = NetnsPlaneClient.start(ns);
      const { subnet, gateway } = await client.chooseSubnet('minicloud0');
      const harness: NetworkPlaneHarness = {
        plane: client,
        config: { cloudId: 'contract', bridge: 'minicloud0', subnet, gateway, metadataPort: 8775, egress: false, domain: 'contract.internal', stateDir: join(tmp, 'network') },
      };
      worlds.set(harness, { ns, client, tmp });
      return harness;
    },
    async (harness) => {
      const world = worlds.get(harness);
      worlds.delete(harness);
      if (!world) return;
      try {
        await world.client.teardown();
        const left = await listLeftovers(world.ns, harness.config.stateDir, harness.config.bridge);
        if (JSON.stringify(left) !== JSON.stringify(NOTHING_LEFT)) throw new Error(`teardown left ${JSON.stringify(left)}`);
      } finally {
        await world.client.kill();
        await world.ns.destroy();
        await rm(world.tmp, { recursive: true, force: true });
      }
    },
  );
});
