import { networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { hetznerServerId } from './hetzner-server-id.js';
import type { YamlValue } from './yaml-1-1.js';

export type HetznerMetadata = { readonly [key: string]: YamlValue };

/**
 * `/hetzner/v1/metadata` for one instance, as a value (toYaml11 writes it), keys in the sorted order
 * Hetzner answers with. Pure.
 *
 * minicloud's one NIC plays Hetzner's public interface: Hetzner gives eth0 its public IPv4 by DHCP, so
 * `public-ipv4` is the guest's address and `local-ipv4` is empty, as on a server without a private
 * network (`private-networks: []`). `network-config` is cloud-init v1, as Hetzner serves it: the NIC
 * matched by the guest's real MAC and named eth0, DHCP for IPv4, the cloud's DNS (its gateway, the
 * subnet's first address, on every minicloud /24). Hetzner's IPv6 subnet is left out: minicloud's
 * clouds are IPv4-only.
 */
export function hetznerMetadata(instance: InstanceRecord): HetznerMetadata {
  const gateway = `${networkSeed(instance.ip)}.1`;
  const vendorData = instance.vendorData['cloud-init'];
  return {
    'availability-zone': instance.availabilityZone,
    hostname: instance.hostname,
    'instance-id': hetznerServerId(instance.id),
    'local-ipv4': '',
    'network-config': {
      config: [
        {
          mac_address: instance.mac,
          name: 'eth0',
          subnets: [{ dns_nameservers: [gateway], ipv4: true, type: 'dhcp' }],
          type: 'physical',
        },
      ],
      version: 1,
    },
    'private-networks': [],
    'public-ipv4': instance.ip,
    'public-keys': instance.publicKeys.map((k) => k.key.trimEnd()),
    region: instance.region,
    // Hetzner's vendor data is cloud-config text; minicloud's is the `cloud-init` entry when it is one.
    ...(typeof vendorData === 'string' ? { vendor_data: vendorData } : {}),
  };
}
