import { guestIpv6, ipv6Hex, type CloudIpv6 } from '../../../core/ipv6.js';

/**
 * The IPv6 rules of one guest's anti-spoofing chain (pure; antispoof-ruleset.ts places them before the
 * chain's final drop; none when the cloud has no IPv6). The guest may send IPv6 only as itself:
 *   - never router advertisements or redirects (no guest can become the others' router);
 *   - neighbour advertisements only for its own two addresses (the IPv6 form of ARP spoofing: a guest
 *     claiming another's address to the host's neighbour cache). nft 1.0.6 has no `icmpv6 taddr`, so the
 *     target is compared as the raw 128 bits after the ICMPv6 header's first 8 bytes (RFC 4861 §4.4);
 *   - from `::` only ICMPv6 to link-scope multicast: duplicate address detection and MLD reports sent
 *     before it has an address, which cannot open a connection as anyone;
 *   - otherwise only from its SLAAC address `<prefix>:EUI-64(mac)` and its link-local `fe80::EUI-64(mac)`
 *     (src/core/ipv6.ts), which is what the metadata server identifies it by.
 */
export function antispoofIpv6Lines(ipv6: CloudIpv6 | null, mac: string): string[] {
  if (ipv6 === null) return [];
  const own = guestIpv6(ipv6, mac);
  const target = (address: string): string => `@th,64,128 != 0x${ipv6Hex(address) ?? ''}`;
  return [
    'ether type ip6 icmpv6 type { nd-router-advert, nd-redirect } counter drop',
    `ether type ip6 icmpv6 type nd-neighbor-advert ${target(own.global)} ${target(own.linkLocal)} counter drop`,
    'ether type ip6 ip6 saddr :: ip6 daddr ff02::/16 meta l4proto ipv6-icmp accept',
    `ether type ip6 ip6 saddr { ${own.global}, ${own.linkLocal} } accept`,
  ];
}
