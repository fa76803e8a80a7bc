import { networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { dropletId } from './digitalocean-identity.js';

/** One interface of `interfaces.public` (DigitalOcean's document; minicloud has no anchor or IPv6 address). */
export interface DropletInterface {
  readonly ipv4: { readonly ip_address: string; readonly netmask: string; readonly gateway: string };
  readonly mac: string;
  readonly type: 'public';
}

/** `/metadata/v1.json`: the keys cloud-init and DigitalOcean's documentation use, in the documentation's order. */
export interface DropletMetadata {
  readonly droplet_id: number;
  readonly hostname: string;
  readonly vendor_data?: string;
  readonly public_keys: readonly string[];
  readonly region: string;
  readonly interfaces: { readonly public: readonly DropletInterface[] };
  readonly floating_ip: { readonly ipv4: { readonly active: boolean } };
  readonly reserved_ip: { readonly ipv4: { readonly active: boolean } };
  readonly dns: { readonly nameservers: readonly string[] };
  readonly tags: readonly string[];
  readonly features: { readonly dhcp_enabled: boolean };
  readonly user_data?: string;
}

/**
 * `/metadata/v1.json` for one instance. Pure.
 *
 * A droplet gets no DHCP: cloud-init reads this document over a link-local address and writes a static
 * network config from `interfaces`, so the one public interface carries the guest's real MAC (cloud-init
 * raises when no NIC has it) and its reserved address on minicloud's /24, with the gateway and DNS server
 * the cloud's dnsmasq is (the /24's first address on every minicloud subnet). `dns.nameservers` is read
 * unguarded, so it is always there. There is no `private` list: cloud-init takes `[0]` of every list, and
 * minicloud's guests have one NIC. User- and vendor-data travel as JSON strings (bytes that are not UTF-8
 * arrive as U+FFFD), and are left out when the instance has none, as cloud-init then reads "none".
 */
export function dropletMetadata(instance: InstanceRecord): DropletMetadata {
  const gateway = `${networkSeed(instance.ip)}.1`;
  const vendorData = instance.vendorData['cloud-init'];
  return {
    droplet_id: dropletId(instance.id),
    hostname: instance.hostname,
    ...(typeof vendorData === 'string' ? { vendor_data: vendorData } : {}),
    public_keys: instance.publicKeys.map((k) => k.key.trimEnd()),
    region: instance.region,
    interfaces: { public: [{ ipv4: { ip_address: instance.ip, netmask: '255.255.255.0', gateway }, mac: instance.mac, type: 'public' }] },
    floating_ip: { ipv4: { active: false } },
    reserved_ip: { ipv4: { active: false } },
    dns: { nameservers: [gateway] },
    tags: [],
    features: { dhcp_enabled: false },
    ...(instance.userData === null ? {} : { user_data: new TextDecoder().decode(instance.userData) }),
  };
}
