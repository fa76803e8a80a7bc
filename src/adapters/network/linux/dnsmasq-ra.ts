import type { CloudIpv6 } from '../../../core/ipv6.js';

/**
 * dnsmasq.conf lines of a cloud's IPv6 (pure; none without IPv6): router advertisements of the cloud's
 * ULA /64 on the bridge, `ra-only` so guests SLAAC their EUI-64 address from their MAC and no DHCPv6 runs
 * (the address follows from the MAC, like the IPv4 reservation). The advertisement also makes the bridge
 * the guests' default IPv6 router (dnsmasq 2.90 advertises a router lifetime even with forwarding off,
 * measured), which is how off-link metadata addresses such as fd00:ec2::254 reach the bridge's DNAT; the
 * host routes nothing on (ip6tables <id>-FWD rejects it), so IPv6 stays hermetic.
 */
export function buildDnsmasqRaLines(ipv6: CloudIpv6 | null): string[] {
  if (ipv6 === null) return [];
  return ['enable-ra', `dhcp-range=${ipv6.prefix.replace(/\/64$/, '')},ra-only,64,1h`];
}
