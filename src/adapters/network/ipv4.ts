import { intToIp, ipToInt, type Subnet } from '../../core/ipam.js';

/**
 * What the network plane needs beyond core/ipam: prefixes of any length (routes are /0…/32, the cloud
 * subnet is a /24), strict parsing (host bits must be zero, since the text ends up in firewall rules),
 * and the byte form rtnetlink uses. Pure.
 */

/** Parses `a.b.c.d/n` with n in 0–32; null if malformed or if host bits are set. */
export function parseCidr(text: string): Subnet | null {
  const [addr, len, extra] = text.split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d{1,2}$/.test(len)) return null;
  const network = ipToInt(addr);
  const prefix = Number(len);
  if (network === null || prefix > 32) return null;
  if (network % 2 ** (32 - prefix) !== 0) return null;
  return { network, prefix };
}

export function formatCidr(subnet: Subnet): string {
  return `${intToIp(subnet.network)}/${subnet.prefix}`;
}

/** Dotted netmask for a prefix length (dnsmasq wants it in dhcp-range). */
export function netmaskOf(prefix: number): string {
  return intToIp(2 ** 32 - 2 ** (32 - prefix));
}

export function ipv4ToBytes(ip: string): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(ipToInt(ip) ?? 0, 0);
  return b;
}

export function ipv4FromBytes(bytes: Uint8Array): string {
  return intToIp(Buffer.from(bytes).readUInt32BE(0));
}
