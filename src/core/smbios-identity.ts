import type { Datasource } from '../domain/instance.js';
import type { SmbiosIdentity } from '../ports/hypervisor.js';

/**
 * SMBIOS type-1 strings that make cloud-init's ds-identify pick the intended datasource, exactly as on a
 * real cloud (cloud-init's tools/ds-identify and DataSourceOpenStack.detect_openstack; docs/hypervisors.md). Pure.
 *
 * - openstack: Nova's own values (manufacturer `OpenStack Foundation`, product `OpenStack Nova`,
 *   serial = uuid = the instance uuid).
 * - ec2: uuid whose first group starts with `ec2` and serial = uuid (cloud-init 22.4 needs both equal;
 *   24.2+ needs only the uuid prefix).
 * - nocloud: plain QEMU DMI plus serial `ds=nocloud-net;s=<metadata url>/nocloud/<id>/`.
 * - configdrive: Nova's DMI, like openstack; the config-2 disk makes ds-identify prefer ConfigDrive.
 */
export function smbiosIdentity(
  datasource: Datasource,
  ids: { instanceId: string; instanceUuid: string; metadataUrl?: string },
): SmbiosIdentity {
  const uuid = guestUuid(datasource, ids.instanceUuid);
  switch (datasource) {
    case 'openstack':
    case 'configdrive':
      return { system: { manufacturer: 'OpenStack Foundation', product: 'OpenStack Nova', serial: uuid, uuid, family: 'Virtual Machine' } };
    case 'ec2':
      return { system: { manufacturer: 'Amazon EC2', product: 'minicloud', serial: uuid, uuid } };
    case 'nocloud': {
      const base = (ids.metadataUrl ?? 'http://169.254.169.254').replace(/\/+$/, '');
      return { system: { serial: `ds=nocloud-net;s=${base}/nocloud/${ids.instanceId}/`, uuid } };
    }
    default: {
      const never: never = datasource;
      throw new Error(`unknown datasource ${String(never)}`);
    }
  }
}

/**
 * The SMBIOS/libvirt uuid of a guest: the instance uuid, except for ec2 where its first three hex digits
 * become `ec2` (still a valid uuid; cloud-init identifies AWS by that prefix). Lower case.
 */
export function guestUuid(datasource: Datasource, instanceUuid: string): string {
  const uuid = instanceUuid.toLowerCase();
  return datasource === 'ec2' ? `ec2${uuid.slice(3)}` : uuid;
}
