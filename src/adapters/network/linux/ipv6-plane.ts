import { readFile } from 'node:fs/promises';
import type { NetworkConfig } from '../../../ports/network.js';
import { applyIp6tables, removeIp6tables } from './ip6tables-firewall.js';
import { cloudIpv6Of, isLinkLocal6 } from './ipv6-config.js';
import type { LinkInfo, NetlinkLinks } from './netlink-links.js';

/**
 * The IPv6 side of a cloud's bridge, on only when the config has endpoints6 (docs/networking.md, "IPv6"):
 * the bridge holds the cloud's ULA gateway `<prefix>::1/64` (where the metadata server listens too) and
 * every link-local endpoint (Hetzner's fe80::a9fe:a9fe) as a /128, so guests' neighbour solicitations for
 * it are answered, as the bridge holds 169.254.169.254 for ARP; off-link endpoints (fd00:ec2::254) are
 * reached through the default route the router advertisements give. Addresses are added without DAD:
 * they are ours by construction, and a tentative address could not be bound at once.
 */

/** Brings the IPv6 side in line with the config: addresses and ip6tables rules, or no rules when IPv6 is off. Idempotent. */
export async function applyIpv6(links: NetlinkLinks, bridge: LinkInfo, config: NetworkConfig): Promise<void> {
  const ipv6 = cloudIpv6Of(config);
  if (ipv6 === null) {
    await removeIp6tables(config.cloudId);
    return;
  }
  await links.ensureAddress6(bridge, ipv6.gateway, 64);
  for (const e of config.endpoints6 ?? []) {
    if (isLinkLocal6(e.address)) await links.ensureAddress6(bridge, e.address, 128);
  }
  await applyIp6tables(config, ipv6);
}

/**
 * Whether new interfaces in this namespace get IPv6 (the bridge inherits `default`): false when the
 * kernel has no IPv6 (`ipv6.disable=1`: no /proc/sys/net/ipv6) or it is disabled by sysctl. The caller
 * then leaves endpoints6 out, so the cloud runs IPv4 only instead of failing to add the gateway.
 */
export async function hostHasIpv6(): Promise<boolean> {
  const text = await readFile('/proc/sys/net/ipv6/conf/default/disable_ipv6', 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '1';
    throw err;
  });
  return text.trim() === '0';
}
