import { derivedHex } from '../../core/derived-ids.js';

/**
 * The Hetzner Cloud server id of an instance: a number (Hetzner's ids are integers, 8 digits today),
 * derived from the instance id so it is the same in the SMBIOS serial and in the metadata `instance-id`.
 * cloud-init's DataSourceHetzner refuses the guest when the two differ. Pure.
 */
export function hetznerServerId(instanceId: string): number {
  return 10_000_000 + (parseInt(derivedHex(`hetzner-server:${instanceId}`, 12), 16) % 90_000_000);
}
