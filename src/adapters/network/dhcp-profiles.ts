import type { NetworkConfig, NetworkDhcpOption, NetworkDhcpProfile, NetworkHost } from '../../ports/network.js';

/**
 * Per-cloud DHCP (pure): which option-121 routes and forced options a guest's lease carries. Each real
 * cloud's DHCP carries only its own; sending every guest the union broke Scaleway's cloud-init 22.4.2,
 * whose second ephemeral lease re-adds its routes on a NIC that already has them ("File exists").
 */

/** The dnsmasq tag of a cloud's hosts: `set:` in the hosts file, `tag:` on its options. */
export function dhcpTag(cloud: string): string {
  return `mc-${cloud}`;
}

/** The profile a host's lease follows; undefined: address, router and DNS only. */
function dhcpProfileOf(config: NetworkConfig, host: NetworkHost): NetworkDhcpProfile | undefined {
  return host.cloud === undefined ? undefined : config.dhcpProfiles?.find((p) => p.cloud === host.cloud);
}

/**
 * Option 121 of a profile as `[destination/prefix, router]` pairs: each route as a /32 via the gateway,
 * then the default route (RFC 3442 clients ignore option 3 when 121 is present). Empty: no option 121.
 */
export function classlessRoutes(profile: NetworkDhcpProfile, gateway: string): [string, string][] {
  if (profile.routes.length === 0) return [];
  return [...profile.routes.map((r): [string, string] => [`${r}/32`, gateway]), ['0.0.0.0/0', gateway]];
}

/** What a lease of this host carries beyond address, router and DNS (the fake plane hands it out). */
export function dhcpExtrasOf(config: NetworkConfig, host: NetworkHost): { routes: [string, string][]; options: NetworkDhcpOption[] } {
  const profile = dhcpProfileOf(config, host);
  return profile === undefined ? { routes: [], options: [] } : { routes: classlessRoutes(profile, config.gateway), options: [...profile.options] };
}
