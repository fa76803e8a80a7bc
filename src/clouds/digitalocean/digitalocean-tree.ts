import { bytesLeaf, dir, OCTET_STREAM, textLeaf, type MetadataDir } from '../../metadata/metadata-tree.js';
import type { DropletMetadata } from './digitalocean-metadata.js';

/**
 * DigitalOcean's index tree under `/metadata/v1/`, made from the same document as `/metadata/v1.json`,
 * so the two never disagree, in the documentation's order. Pure.
 *
 * Lists are one value, one item per line (`public-keys`, `dns/nameservers`); `tags/` lists the tags;
 * booleans are `true`/`false`. `user-data` is the instance's raw bytes; it and `vendor-data` are left out
 * (404) when the instance has none.
 */
export function dropletTree(doc: DropletMetadata, userData: Uint8Array | null): MetadataDir {
  const t = textLeaf;
  const interfaceDir = (i: DropletMetadata['interfaces']['public'][number]): MetadataDir =>
    dir({ mac: t(i.mac), type: t(i.type), ipv4: dir({ address: t(i.ipv4.ip_address), netmask: t(i.ipv4.netmask), gateway: t(i.ipv4.gateway) }, { order: 'insertion' }) }, { order: 'insertion' });
  const active = (ip: { ipv4: { active: boolean } }): MetadataDir => dir({ ipv4: dir({ active: t(String(ip.ipv4.active)) }) });
  return dir(
    {
      id: t(String(doc.droplet_id)),
      hostname: t(doc.hostname),
      'user-data': userData === null ? undefined : bytesLeaf(userData, OCTET_STREAM),
      'vendor-data': doc.vendor_data === undefined ? undefined : t(doc.vendor_data),
      'public-keys': t(doc.public_keys.join('\n')),
      region: t(doc.region),
      interfaces: dir({ public: dir(Object.fromEntries(doc.interfaces.public.map((i, n) => [String(n), interfaceDir(i)])), { order: 'insertion' }) }),
      dns: dir({ nameservers: t(doc.dns.nameservers.join('\n')) }),
      floating_ip: active(doc.floating_ip),
      reserved_ip: active(doc.reserved_ip),
      tags: dir(Object.fromEntries(doc.tags.map((tag) => [tag, t(tag)]))),
      features: dir({ dhcp_enabled: t(String(doc.features.dhcp_enabled)) }),
    },
    { order: 'insertion' },
  );
}
