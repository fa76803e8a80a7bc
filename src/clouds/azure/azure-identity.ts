import type { SmbiosIdentity } from '../../ports/hypervisor.js';

/** The chassis asset tag every Azure VM carries: what ds-identify and DataSourceAzure look for. */
export const AZURE_CHASSIS_ASSET_TAG = '7783-7084-3265-9085-8269-3286-77';

/**
 * The uuid with the byte order of its first three fields swapped (Python's `UUID(bytes=u.bytes_le)`,
 * cloud-init's `byte_swap_system_uuid`). Its own inverse. Pure.
 */
export function byteSwapUuid(uuid: string): string {
  const hex = uuid.toLowerCase().replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`not a uuid: ${uuid}`);
  const swap = (s: string): string => (s.match(/../g) ?? []).reverse().join('');
  const out = swap(hex.slice(0, 8)) + swap(hex.slice(8, 12)) + swap(hex.slice(12, 16)) + hex.slice(16);
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

/**
 * The VM id IMDS serves as `compute.vmId`: the instance uuid (lower case).
 */
export function azureVmId(instanceUuid: string): string {
  return instanceUuid.toLowerCase();
}

/**
 * The guest's SMBIOS uuid. minicloud boots guests with SeaBIOS, so they are Azure "generation 1" VMs,
 * whose SMBIOS holds the vmId with its first three fields in the other byte order: cloud-init (25.x
 * `convert_system_uuid_to_vm_id`) swaps them back when /sys/firmware/efi is absent, and so reads the
 * vmId IMDS serves. cloud-init's instance-id is this SMBIOS uuid, as on Azure. Pure.
 */
export function azureGuestUuid(instanceUuid: string): string {
  return byteSwapUuid(azureVmId(instanceUuid));
}

/**
 * What an Azure VM's DMI says (Hyper-V's values): vendor `Microsoft Corporation`, product
 * `Virtual Machine`, version 7.0, and the chassis asset tag, the one field cloud-init reads (ds-identify's
 * dscheck_Azure and the datasource's ChassisAssetTag; both versions). Pure.
 */
export function azureIdentity(instanceUuid: string): SmbiosIdentity {
  return {
    system: { manufacturer: 'Microsoft Corporation', product: 'Virtual Machine', version: '7.0', uuid: azureGuestUuid(instanceUuid) },
    chassis: { manufacturer: 'Microsoft Corporation', version: '7.0', asset: AZURE_CHASSIS_ASSET_TAG },
  };
}
