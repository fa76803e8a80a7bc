import type { SmbiosIdentity } from '../../ports/hypervisor.js';

/**
 * What Nova's libvirt driver gives every guest: manufacturer `OpenStack Foundation`, product
 * `OpenStack Nova`, serial = uuid = the instance uuid. cloud-init's detect_openstack and ds-identify's
 * dscheck_OpenStack match the product name.
 */
export function novaIdentity(instanceUuid: string): SmbiosIdentity {
  const uuid = instanceUuid.toLowerCase();
  return { system: { manufacturer: 'OpenStack Foundation', product: 'OpenStack Nova', serial: uuid, uuid, family: 'Virtual Machine' } };
}
