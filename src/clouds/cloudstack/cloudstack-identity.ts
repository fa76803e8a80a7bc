import type { SmbiosIdentity } from '../../ports/hypervisor.js';

/**
 * What a VM of CloudStack's KVM hypervisor shows in its DMI (CloudStack's LibvirtVMDef sysinfo): vendor
 * `Apache Software Foundation`, product `CloudStack KVM Hypervisor`, serial and uuid the VM's uuid.
 * ds-identify's dscheck_CloudStack globs product_name `CloudStack*`; 25.x's ds_detect checks that it
 * starts with `CloudStack` (22.4.2 checks nothing and looks for the virtual router at once). Pure.
 */
export function cloudStackIdentity(instanceUuid: string): SmbiosIdentity {
  const uuid = instanceUuid.toLowerCase();
  return { system: { manufacturer: 'Apache Software Foundation', product: 'CloudStack KVM Hypervisor', serial: uuid, uuid } };
}
