import type { GuestIdentity } from '../core/guest-spec.js';
import { PROVISIONING_MEDIA_META, type CloudIdentityIds } from './cloud-flavour.js';
import { cloudNamed } from './registry.js';

/**
 * How a guest of `datasource` presents itself to the hypervisor: uuid, SMBIOS, a config drive or not, the
 * cloud's provisioning media or not (meta `provisioningMedia=true`, for a cloud that has media). Pure.
 */
export function guestIdentity(datasource: string, ids: CloudIdentityIds, meta: Readonly<Record<string, string>> = {}): GuestIdentity {
  const cloud = cloudNamed(datasource);
  return {
    uuid: cloud.guestUuid(ids.instanceUuid),
    smbios: cloud.identity(ids),
    configDrive: cloud.delivery === 'config-drive',
    provisioningMedia: cloud.provisioningMedia !== undefined && meta[PROVISIONING_MEDIA_META] === 'true',
  };
}
