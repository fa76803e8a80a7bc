import type { GuestIdentity } from '../core/guest-spec.js';
import type { CloudIdentityIds } from './cloud-flavour.js';
import { cloudNamed } from './registry.js';

/** How a guest of `datasource` presents itself to the hypervisor: uuid, SMBIOS, a config drive or not. Pure. */
export function guestIdentity(datasource: string, ids: CloudIdentityIds): GuestIdentity {
  const cloud = cloudNamed(datasource);
  return { uuid: cloud.guestUuid(ids.instanceUuid), smbios: cloud.identity(ids), configDrive: cloud.delivery === 'config-drive' };
}
