import type { SmbiosIdentity } from '../../ports/hypervisor.js';
import type { CloudIdentityIds } from '../cloud-flavour.js';

/**
 * An UpCloud server's uuid: UpCloud's server uuids begin with `00` (storage `01`, networks `03`), so the
 * instance uuid with its first two digits made `00`. It is both the SMBIOS uuid and the metadata
 * `instance_id`: cloud-init's check_instance_id compares the two. Pure.
 */
export function upcloudServerUuid(instanceUuid: string): string {
  return `00${instanceUuid.toLowerCase().slice(2)}`;
}

/**
 * What an UpCloud server's DMI gives cloud-init: vendor `UpCloud` (ds-identify and the datasource compare
 * it exactly) and the server uuid (the datasource's instance id when the metadata lacks one). The other
 * fields are QEMU's defaults: cloud-init reads none of them, and UpCloud's values are not documented. Pure.
 */
export function upcloudIdentity({ instanceUuid }: CloudIdentityIds): SmbiosIdentity {
  return { system: { manufacturer: 'UpCloud', uuid: upcloudServerUuid(instanceUuid) } };
}
