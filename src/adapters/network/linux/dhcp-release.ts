import type { NetworkHost } from '../../../ports/network.js';
import type { Lease } from './dnsmasq-leases.js';
import { runTool } from './run-tool.js';

/**
 * Leases no reservation stands behind any more (pure): the MAC is gone (instance deleted) or now reserves
 * another address. dnsmasq keeps such a lease until it expires and will not hand its address to another
 * MAC meanwhile ("not using configured address … because it is leased to …"), so a deleted instance's
 * address could not be reused for up to the lease time.
 */
export function staleLeases(leases: readonly Lease[], hosts: readonly NetworkHost[]): Lease[] {
  const reserved = new Set(hosts.map((h) => `${h.mac.toLowerCase()} ${h.ip}`));
  return leases.filter((l) => !reserved.has(`${l.mac.toLowerCase()} ${l.ip}`));
}

/**
 * Makes the cloud's dnsmasq drop a lease now: `dhcp_release` (dnsmasq-utils) sends it a DHCPRELEASE on
 * the client's behalf over the bridge, as OpenStack Nova and Neutron do; dnsmasq rewrites its lease file.
 * Runs in this network namespace (the bridge's). Throws MC_ERR_NETWORK_TOOL_MISSING without dnsmasq-utils.
 */
export async function releaseLease(bridge: string, lease: Pick<Lease, 'ip' | 'mac'>): Promise<void> {
  await runTool('dhcp_release', [bridge, lease.ip, lease.mac]);
}
