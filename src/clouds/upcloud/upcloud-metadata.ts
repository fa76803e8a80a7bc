import { derivedUuid, networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { upcloudServerUuid } from './upcloud-identity.js';

/** A JSON value of UpCloud's metadata document. */
export type UpcloudValue = string | number | boolean | null | readonly UpcloudValue[] | { readonly [key: string]: UpcloudValue };
export type UpcloudMetadata = { readonly [key: string]: UpcloudValue };

/**
 * `/metadata/v1.json` for one instance, fields in the order UpCloud's documentation prints them. Pure.
 *
 * minicloud's one NIC is interface 1, the `public` one (UpCloud's first interface, which holds the default
 * route): the guest's real MAC (cloud-init refuses the whole network config when a listed MAC is not on a
 * NIC of the guest), its address by DHCP, the gateway and DNS server the cloud's dnsmasq is (the /24's
 * first address, on every minicloud subnet). User-data travels as a JSON string, as on UpCloud, whose API
 * takes it as one: bytes that are not UTF-8 arrive as U+FFFD. The disks are not listed: the record does
 * not know them.
 */
export function upcloudMetadata(instance: InstanceRecord): UpcloudMetadata {
  const net = networkSeed(instance.ip);
  const gateway = `${net}.1`;
  const vendorData = instance.vendorData['cloud-init'];
  return {
    cloud_name: 'upcloud',
    instance_id: upcloudServerUuid(instance.uuid),
    hostname: instance.hostname,
    platform: 'servers',
    subplatform: 'metadata (http://169.254.169.254)',
    public_keys: instance.publicKeys.map((k) => k.key.trimEnd()),
    region: instance.region,
    network: {
      interfaces: [
        {
          index: 1,
          ip_addresses: [
            { address: instance.ip, dhcp: true, dns: [gateway], family: 'IPv4', floating: false, gateway, network: `${net}.0/24` },
          ],
          mac: instance.mac,
          // UpCloud's network uuids begin with 03; one minicloud /24 is one network.
          network_id: `03${derivedUuid(`upcloud-network:${net}`).slice(2)}`,
          type: 'public',
        },
      ],
      dns: [gateway],
    },
    storage: { disks: [] },
    tags: [],
    user_data: instance.userData === null ? '' : new TextDecoder().decode(instance.userData),
    vendor_data: typeof vendorData === 'string' ? vendorData : '',
  };
}
