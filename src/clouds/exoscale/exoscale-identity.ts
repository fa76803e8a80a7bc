import type { SmbiosIdentity } from '../../ports/hypervisor.js';

/**
 * What an Exoscale VM's DMI says: the product name `Exoscale Compute Platform`. ds-identify's
 * dscheck_Exoscale globs product_name `Exoscale*` and DataSourceExoscale (22.4 `_is_platform_viable`,
 * 25.x `ds_detect`) checks that it starts with `Exoscale`; nothing else is read. The vendor is Exoscale's
 * too; the uuid is the instance uuid, which is also the metadata instance-id (Exoscale ids are uuids).
 */
export function exoscaleIdentity(instanceUuid: string): SmbiosIdentity {
  return { system: { manufacturer: 'Exoscale', product: 'Exoscale Compute Platform', uuid: instanceUuid.toLowerCase() } };
}
