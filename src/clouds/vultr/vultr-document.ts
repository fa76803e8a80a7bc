import { derivedHex, networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';

/** BGP is not set up for the instance: Vultr then shows every field empty. */
const NO_BGP = { 'my-address': '', 'my-asn': '', 'peer-address': '', 'peer-asn': '' };

/**
 * `/v1.json`, Vultr's whole metadata tree for one instance, in the key order of the documents Vultr's own
 * cloud-init tests hold. What cloud-init reads: `instance-v2-id` (instance-id), `hostname`,
 * `region.regioncode`, `public-keys`, `user-data`, `vendor-data` (KeyError without them) and
 * `interfaces[]`: every `mac` must be a NIC of the guest, and `ipv4.additional` / `ipv6.additional` must
 * exist (22.4.2 indexes them unguarded). Pure.
 *
 * - `instance-v2-id` is the instance uuid, which is also the guest's SMBIOS serial and uuid (cloud-init's
 *   check_instance_id compares those two); `instanceid` is the legacy numeric SUBID, derived from the id.
 * - One interface, the public one (Vultr's first interface is the public, DHCP-configured one): the guest's
 *   real MAC and address on minicloud's /24, whose first address is the gateway. No IPv6: the `ipv6` object
 *   has the shape Vultr gives an interface without IPv6 (empty network and prefix).
 * - `user-data` is the user-data as text, or `[]` when there is none (as Vultr sends it); vendor data is
 *   the instance's `vendorData['cloud-init']` text when it has one, else `[]` (cloud-init skips an empty one).
 */
export function buildVultrV1(instance: InstanceRecord): Record<string, unknown> {
  const net = networkSeed(instance.ip);
  const vendorText = instance.vendorData['cloud-init'];
  return {
    bgp: { ipv4: { ...NO_BGP }, ipv6: { ...NO_BGP } },
    hostname: instance.hostname,
    instanceid: vultrSubid(instance.id),
    'instance-v2-id': instance.uuid.toLowerCase(),
    interfaces: [
      {
        ipv4: { additional: [], address: instance.ip, gateway: `${net}.1`, netmask: '255.255.255.0' },
        ipv6: { additional: [], network: '', prefix: '' },
        mac: instance.mac,
        'network-type': 'public',
      },
    ],
    'public-keys': instance.publicKeys.map((k) => k.key),
    region: { regioncode: instance.region },
    'user-defined': [],
    'startup-script': 'echo No configured startup script',
    'raid1-script': '',
    // JSON carries text: bytes that are not UTF-8 become U+FFFD here (/latest/user-data keeps them).
    'user-data': instance.userData === null ? [] : new TextDecoder('utf-8').decode(instance.userData),
    'vendor-data': typeof vendorText === 'string' ? vendorText : [],
  };
}

/** Vultr's legacy SUBID: 8 decimal digits, derived from the instance id. */
function vultrSubid(instanceId: string): string {
  return String((parseInt(derivedHex(`vultr-subid:${instanceId}`, 8), 16) % 90_000_000) + 10_000_000);
}
