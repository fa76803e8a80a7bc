import type { SmbiosIdentity } from '../../ports/hypervisor.js';
import type { CloudIdentityIds } from '../cloud-flavour.js';
import { hetznerServerId } from './hetzner-server-id.js';

/**
 * What a Hetzner Cloud VM's DMI says: vendor `Hetzner` (ds-identify and the datasource compare it
 * exactly, case included), serial = the server id that the metadata serves as `instance-id` (the
 * datasource raises when they differ). Product `vServer` and family `Hetzner_vServer` are what
 * dmidecode shows on Hetzner's VMs; cloud-init reads neither. Pure.
 */
export function hetznerIdentity({ instanceId, instanceUuid }: CloudIdentityIds): SmbiosIdentity {
  return {
    system: {
      manufacturer: 'Hetzner',
      product: 'vServer',
      serial: String(hetznerServerId(instanceId)),
      uuid: instanceUuid.toLowerCase(),
      family: 'Hetzner_vServer',
    },
  };
}
