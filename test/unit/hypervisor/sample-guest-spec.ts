import { createHash } from 'node:crypto';
import type { Datasource } from '../../../src/domain/instance.js';
import type { GuestSpec } from '../../../src/ports/hypervisor.js';
import { guestName } from '../../../src/core/guest-name.js';
import { cloudNamed } from '../../../src/clouds/registry.js';

/** A fixed GuestSpec for golden files: every path under /var/lib/minicloud/c1, so goldens never depend on the machine. */
export function sampleGuestSpec(datasource: Datasource, overrides: Partial<GuestSpec> = {}): GuestSpec {
  const cloudId = overrides.cloudId ?? 'c1';
  const instanceId = overrides.instanceId ?? 'i-0123456789abcdef0';
  const dir = `/var/lib/minicloud/${cloudId}/instances/${instanceId}`;
  // Unique per cloud and instance (libvirt refuses two domains with one uuid), fixed for the goldens.
  const h = createHash('sha256').update(`${cloudId}/${instanceId}`).digest('hex');
  const instanceUuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const uuid = cloudNamed(datasource).guestUuid(instanceUuid);
  return {
    cloudId,
    instanceId,
    uuid,
    name: guestName(cloudId, instanceId),
    datasource,
    cpus: 1,
    memoryMiB: 256,
    disk: { basePath: '/var/lib/minicloud/images/minicirros.qcow2', baseFormat: 'qcow2', overlayPath: `${dir}/disk.qcow2`, sizeBytes: null },
    kernel: null,
    nic: { mac: '52:54:00:12:34:56', bridge: 'minicloud0', tapName: 'mc1a2b012345678' },
    smbios: cloudNamed(datasource).identity({ instanceId, instanceUuid }),
    configDrivePath: null,
    cdromPath: null,
    consoleLogPath: `${dir}/console.log`,
    runDir: `${dir}/run`,
    accelerator: 'tcg',
    ...overrides,
  };
}

/** The golden cases: one per datasource, plus direct kernel boot, a config drive, a resized disk and KVM. */
export const GOLDEN_CASES: Record<string, GuestSpec> = {
  'openstack-disk-boot': sampleGuestSpec('openstack'),
  'ec2-kernel-boot': sampleGuestSpec('ec2', {
    kernel: {
      kernelPath: '/var/lib/minicloud/images/minicirros.vmlinuz',
      initrdPath: '/var/lib/minicloud/images/minicirros.initrd',
      cmdline: 'console=ttyS0 quiet panic=-1',
    },
    disk: {
      basePath: '/var/lib/minicloud/images/minicirros.raw',
      baseFormat: 'raw',
      overlayPath: '/var/lib/minicloud/c1/instances/i-0123456789abcdef0/disk.qcow2',
      sizeBytes: 1073741824,
    },
  }),
  'nocloud-two-cpus': sampleGuestSpec('nocloud', { cpus: 2, memoryMiB: 512 }),
  'configdrive-kvm': sampleGuestSpec('configdrive', {
    configDrivePath: '/var/lib/minicloud/c1/instances/i-0123456789abcdef0/config-2.iso',
    accelerator: 'kvm',
  }),
  // Azure's provisioning CD (meta provisioningMedia=true): an IDE CD-ROM, the guest's /dev/sr0.
  'azure-provisioning-cd': sampleGuestSpec('azure', { cdromPath: '/var/lib/minicloud/c1/instances/i-0123456789abcdef0/provisioning-media.iso' }),
  // Every SMBIOS structure a cloud identity can use (system, baseboard, chassis), in QEMU's and libvirt's order.
  'smbios-all-structures': sampleGuestSpec('ec2', {
    smbios: {
      system: { manufacturer: 'Vendor', product: 'Product', version: '1', serial: 'S-1', uuid: sampleGuestSpec('ec2').uuid, sku: 'SKU', family: 'Family' },
      baseBoard: { manufacturer: 'Board Co', product: 'Board', version: '2', serial: 'B-1', asset: 'B-asset' },
      chassis: { manufacturer: 'Chassis Co', version: '3', serial: 'C-1', asset: 'C-asset', sku: 'C-sku' },
    },
  }),
};

