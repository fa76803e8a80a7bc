import { canonicalIpv6, cloudIpv6, parseIpv6, type CloudIpv6 } from '../../../core/ipv6.js';
import { errors } from '../../../errors/catalogue.js';
import type { NetworkConfig } from '../../../ports/network.js';

/** The cloud's IPv6 plane, or null when it has no IPv6 endpoints. */
export function cloudIpv6Of(config: NetworkConfig): CloudIpv6 | null {
  return (config.endpoints6 ?? []).length === 0 ? null : cloudIpv6(config.cloudId);
}

/**
 * Throws MC_ERR_NETWORK_CONFIG unless each endpoints6 entry is a canonical (RFC 5952) unicast IPv6 address
 * outside the cloud's own /64 with ports 1–65535: the text lands in ip6tables rules, and observe() finds
 * the rules again in `ip6tables-save`, which prints the canonical form.
 */
export function validateEndpoints6(config: NetworkConfig): void {
  const own = cloudIpv6(config.cloudId).prefixGroups;
  (config.endpoints6 ?? []).forEach((e, i) => {
    const groups = parseIpv6(e.address);
    const field = `endpoints6[${i}]`;
    if (groups === null || canonicalIpv6(e.address) !== e.address || (groups[0] ?? 0) >> 8 === 0xff) {
      throw errors.networkConfigInvalid(`${field}.address`, `${e.address} is not a unicast IPv6 address in canonical form`);
    }
    if (own.every((g, k) => groups[k] === g)) throw errors.networkConfigInvalid(`${field}.address`, `${e.address} is inside the cloud's own ${cloudIpv6(config.cloudId).prefix}`);
    if (e.ports.length === 0 || !e.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
      throw errors.networkConfigInvalid(`${field}.ports`, `${JSON.stringify(e.ports)} are not 1–65535`);
    }
  });
}

/** fe80::/10. */
export function isLinkLocal6(address: string): boolean {
  const first = parseIpv6(address)?.[0] ?? 0;
  return (first & 0xffc0) === 0xfe80;
}
