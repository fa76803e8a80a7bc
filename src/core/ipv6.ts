import { createHash } from 'node:crypto';

/**
 * IPv6 addressing of a cloud's bridge and guests (pure). Contract:
 *  - each cloud has one ULA /64 (RFC 4193 shape: `fd` + 40-bit global id + subnet id 0), derived from its
 *    cloud id by hashing, so the same cloud always gets the same prefix and no state is needed to find it;
 *    the global id never starts with 0x00, so the prefix stays clear of fd00::/16, where the clouds' own
 *    metadata addresses live (EC2's fd00:ec2::254, Oracle's fd00:c1::a9fe:a9fe…);
 *  - the bridge holds `<prefix>::1` (the gateway the metadata server listens on) and advertises the prefix;
 *  - a guest SLAACs `<prefix>:EUI-64(mac)` and has the link-local `fe80::EUI-64(mac)`: both follow from its
 *    MAC alone, so anti-spoofing can admit exactly them and the metadata server can tell the instance from
 *    the address (macFromEui64). Guests that use privacy or stable-privacy addresses are not identified.
 */

/** Eight 16-bit groups. */
export type Ipv6Groups = readonly number[];

/**
 * Parses RFC 4291 text (`::` compression, no embedded IPv4); a `%zone` suffix is dropped (Node reports
 * link-local peers as `fe80::…%br0`). Null when malformed.
 */
export function parseIpv6(text: string): Ipv6Groups | null {
  const address = text.split('%')[0] ?? '';
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined): number[] | null => {
    if (s === undefined || s === '') return [];
    const groups = s.split(':');
    if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = part(halves[0]);
  const tail = part(halves[1]);
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(groups: Ipv6Groups): string {
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = (gs: Ipv6Groups): string => gs.map((g) => g.toString(16)).join(':');
  if (best.start < 0) return hex(groups);
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`;
}

/** The canonical form of an IPv6 address (`FD00:EC2:0::254` → `fd00:ec2::254`); null when malformed. */
export function canonicalIpv6(text: string): string | null {
  const groups = parseIpv6(text);
  return groups === null ? null : formatIpv6(groups);
}

/** The interface id a MAC gives under modified EUI-64 (RFC 4291 appendix A): ff:fe in the middle, U/L bit flipped. */
export function eui64InterfaceId(mac: string): Ipv6Groups {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  return [((b0 ^ 0x02) << 8) | b1, (b2 << 8) | 0xff, 0xfe00 | b3, (b4 << 8) | b5];
}

/** The MAC an EUI-64 interface id was made from; null when the low 64 bits are not one (no ff:fe in the middle). */
export function macFromEui64(address: string): string | null {
  const g = parseIpv6(address);
  if (g === null) return null;
  const [g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g.slice(4);
  if ((g5 & 0xff) !== 0xff || g6 >> 8 !== 0xfe) return null;
  const bytes = [(g4 >> 8) ^ 0x02, g4 & 0xff, g5 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** A cloud's IPv6 plane: its /64 and the bridge's address in it. */
export interface CloudIpv6 {
  /** `fdxx:xxxx:xxxx::/64`. */
  prefix: string;
  /** The four leading groups of the prefix. */
  prefixGroups: Ipv6Groups;
  /** `<prefix>::1`: the bridge's address, where the metadata server also listens. */
  gateway: string;
}

/** The cloud's ULA /64 and gateway, derived from its id (see the file comment). */
export function cloudIpv6(cloudId: string): CloudIpv6 {
  const h = createHash('sha256').update(`ipv6-ula:${cloudId}`).digest();
  const global = [...h.subarray(0, 5)];
  if (global[0] === 0) global[0] = 1;
  const [a = 1, b = 0, c = 0, d = 0, e = 0] = global;
  const prefixGroups = [0xfd00 | a, (b << 8) | c, (d << 8) | e, 0];
  return {
    prefix: `${formatIpv6([...prefixGroups, 0, 0, 0, 0])}/64`,
    prefixGroups,
    gateway: formatIpv6([...prefixGroups, 0, 0, 0, 1]),
  };
}

/** The two addresses a guest with this MAC may send from: SLAAC in the cloud's /64, and link-local. */
export interface GuestIpv6 {
  global: string;
  linkLocal: string;
}

export function guestIpv6(cloud: CloudIpv6, mac: string): GuestIpv6 {
  const id = eui64InterfaceId(mac);
  return { global: formatIpv6([...cloud.prefixGroups, ...id]), linkLocal: formatIpv6([0xfe80, 0, 0, 0, ...id]) };
}

/**
 * The MAC of the guest an IPv6 source address belongs to, when it can be one of a guest's own addresses:
 * link-local (fe80::/64) or unique local (fc00::/7) with an EUI-64 interface id. Null otherwise. Which
 * ULA /64 it is need not be checked here: anti-spoofing admits a guest's own two addresses only.
 */
export function guestMacOfIpv6Source(address: string): string | null {
  const g = parseIpv6(address);
  if (g === null) return null;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0] = g;
  const linkLocal = g0 === 0xfe80 && g1 === 0 && g2 === 0 && g3 === 0;
  const uniqueLocal = (g0 & 0xfe00) === 0xfc00;
  return linkLocal || uniqueLocal ? macFromEui64(address) : null;
}

/** 32 hex digits of the address, as nft compares a raw 128-bit payload (`@th,64,128 != 0x…`). */
export function ipv6Hex(address: string): string | null {
  const g = parseIpv6(address);
  return g === null ? null : g.map((x) => x.toString(16).padStart(4, '0')).join('');
}
