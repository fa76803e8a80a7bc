import { errors } from '../../errors/catalogue.js';
import { intToIp, subnetsOverlap, type Subnet } from '../../core/ipam.js';
import { formatCidr, parseCidr } from './ipv4.js';

/** One IPv4 route as the kernel reports it (any table); `device` is the outgoing interface name. */
export interface ObservedRoute {
  destination: string;
  device: string | null;
}

export interface SubnetChoice {
  subnet: string;
  gateway: string;
}

/** First candidate /24; candidates count upward in the third octet. Rarely used by VPNs, Docker or libvirt. */
const FIRST_CANDIDATE = '10.250.0.0/24';
const CANDIDATE_COUNT = 256;

/**
 * Picks the cloud's /24 (pure). With `forced`, checks it instead of searching.
 * Routes on `ownBridge` are ignored (they are ours, from an earlier run), and so are default routes
 * (0.0.0.0/0 overlaps everything and says nothing about local subnets). Throws MC_ERR_NETWORK_SUBNET_IN_USE
 * or MC_ERR_NETWORK_NO_FREE_SUBNET; the gateway is always the subnet's first address.
 */
export function chooseSubnet(routes: readonly ObservedRoute[], opts: { ownBridge: string; forced?: string }): SubnetChoice {
  const taken = routes
    .filter((r) => r.device !== opts.ownBridge)
    .map((r) => ({ route: r, prefix: parseCidr(r.destination) }))
    .filter((r): r is { route: ObservedRoute; prefix: Subnet } => r.prefix !== null && r.prefix.prefix > 0);

  if (opts.forced !== undefined) {
    const prefix = parseCidr(opts.forced);
    if (prefix === null || prefix.prefix !== 24) {
      throw errors.networkConfigInvalid('subnet', `"${opts.forced}" is not an IPv4 /24 such as 10.250.0.0/24`);
    }
    const clash = taken.find((t) => subnetsOverlap(t.prefix, prefix));
    if (clash) throw errors.networkSubnetInUse(opts.forced, clash.route.destination, clash.route.device ?? '(none)');
    return choice(prefix);
  }

  const first = parseCidr(FIRST_CANDIDATE) as Subnet;
  for (let i = 0; i < CANDIDATE_COUNT; i++) {
    const candidate = { network: first.network + i * 256, prefix: 24 };
    if (!taken.some((t) => subnetsOverlap(t.prefix, candidate))) return choice(candidate);
  }
  throw errors.networkNoFreeSubnet(FIRST_CANDIDATE, formatCidr({ network: first.network + (CANDIDATE_COUNT - 1) * 256, prefix: 24 }));
}

function choice(prefix: Subnet): SubnetChoice {
  return { subnet: formatCidr(prefix), gateway: intToIp(prefix.network + 1) };
}
