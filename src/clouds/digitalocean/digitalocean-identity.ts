import { derivedHex } from '../../core/derived-ids.js';
import type { SmbiosIdentity } from '../../ports/hypervisor.js';
import type { CloudIdentityIds } from '../cloud-flavour.js';

/**
 * A droplet's id: a number (DigitalOcean's droplet ids are integers, 9 digits today), derived from the
 * instance id so the SMBIOS serial and the metadata's `droplet_id` agree: cloud-init's
 * check_instance_id compares the instance id with the serial. Pure.
 */
export function dropletId(instanceId: string): number {
  return 100_000_000 + (parseInt(derivedHex(`digitalocean-droplet:${instanceId}`, 12), 16) % 900_000_000);
}

/**
 * What a droplet's DMI says: vendor `DigitalOcean` (ds-identify's dscheck_DigitalOcean and the
 * datasource's read_sysinfo compare it exactly; both versions) and the droplet id as the serial (the
 * datasource raises when it is missing). Product `Droplet` and family `DigitalOcean_Droplet` are what
 * droplets show; cloud-init reads neither. Pure.
 */
export function digitalOceanIdentity({ instanceId, instanceUuid }: CloudIdentityIds): SmbiosIdentity {
  return { system: { manufacturer: 'DigitalOcean', product: 'Droplet', serial: String(dropletId(instanceId)), uuid: instanceUuid.toLowerCase(), family: 'DigitalOcean_Droplet' } };
}
