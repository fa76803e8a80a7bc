import type { SmbiosIdentity } from '../../ports/hypervisor.js';

/**
 * What GCE gives every VM (dmidecode on a GCE instance): vendor `Google`, product `Google Compute
 * Engine` on the system and the baseboard, serial `GoogleCloud-<32 upper-case hex>` (here the instance
 * uuid's digits) and `Board-<serial>` on the board. ds-identify's dscheck_GCE and cloud-init's
 * platform_reports_gce match the product name, or else the serial's `GoogleCloud-` prefix. Pure.
 */
export function gceIdentity(instanceUuid: string): SmbiosIdentity {
  const uuid = instanceUuid.toLowerCase();
  const serial = `GoogleCloud-${uuid.replace(/-/g, '').toUpperCase()}`;
  return {
    system: { manufacturer: 'Google', product: 'Google Compute Engine', serial, uuid },
    baseBoard: { manufacturer: 'Google', product: 'Google Compute Engine', serial: `Board-${serial}` },
    chassis: { manufacturer: 'Google' },
  };
}
