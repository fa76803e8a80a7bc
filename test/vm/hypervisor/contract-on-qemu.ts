import { hypervisorContract } from '../../contract/hypervisor.contract.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { openDriver, minicirrosSpec, type DriverKind } from './drivers.js';
import { createGuestWorld, requireMinicirros } from './guest-world.js';

const NEEDS: Record<DriverKind, string[]> = {
  qemu: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'nft'],
  libvirt: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'nft', 'libvirtd', 'virtlogd', 'nsenter', 'unshare'],
};

/** Runs the Hypervisor contract against a driver with real guests (minicirros, TCG) in a private netns. */
export function hypervisorContractOnQemu(kind: DriverKind): void {
  describeWhen({ root: true, commands: NEEDS[kind] }, `${kind} driver on real QEMU`, () => {
    hypervisorContract(kind, async () => {
      requireMinicirros();
      const world = await createGuestWorld(`mchv${kind[0]}`, [], { metadata: false });
      const opened: { dispose(): Promise<void> }[] = [];
      const dispose = async (): Promise<void> => {
        for (const d of opened.reverse()) await d.dispose();
        await world.destroy();
      };
      try {
        const mine = await openDriver(kind, world, 'c1');
        opened.push(mine);
        const other = await openDriver(kind, world, 'c2');
        opened.push(other);
        return {
          hypervisor: mine.hypervisor,
          otherCloud: other.hypervisor,
          spec: (cloudId, instanceId) => minicirrosSpec(world, cloudId, instanceId),
          cloudId: 'c1',
          otherCloudId: 'c2',
          createsFiles: true,
          reportsPid: true,
          hasConsole: true,
          dispose,
        };
      } catch (err) {
        await dispose();
        throw err;
      }
    });
  });
}
