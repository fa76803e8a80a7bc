import { errors } from '../errors/catalogue.js';

/**
 * Address and MAC allocation over the cloud's subnet. Pure: the caller passes what is used.
 * Guests get static DHCP reservations from these, so an IP never depends on dnsmasq's lease order.
 */

export interface Subnet {
  /** Network address as a 32-bit unsigned integer. */
  network: number;
  prefix: number;
}

export function ipToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Parses `10.77.0.0/24`; null when malformed. Host bits set in the address are cleared. */
export function parseSubnet(cidr: string): Subnet | null {
  const [addr, len] = cidr.split('/');
  const base = addr === undefined ? null : ipToInt(addr);
  if (base === null || len === undefined || !/^\d{1,2}$/.test(len)) return null;
  const prefix = Number(len);
  if (prefix < 8 || prefix > 30) return null;
  const size = 2 ** (32 - prefix);
  return { network: base - (base % size), prefix };
}

function size(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefix);
}

export function subnetContains(subnet: Subnet, ip: string): boolean {
  const n = ipToInt(ip);
  return n !== null && n >= subnet.network && n < subnet.network + size(subnet);
}

/** Whether two CIDRs overlap (for `doctor`'s subnet-conflict check). */
export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  return a.network < b.network + size(b) && b.network < a.network + size(a);
}

/**
 * Guest addresses: everything but the network, broadcast and gateway addresses. Automatic allocation
 * starts at host .10 (on subnets of /28 and larger) so low addresses stay free for pinned `--ip`s.
 */
function isUsableGuestIp(subnet: Subnet, gateway: string, ip: string): boolean {
  const n = ipToInt(ip);
  if (n === null || !subnetContains(subnet, ip) || ip === gateway) return false;
  return n !== subnet.network && n !== subnet.network + size(subnet) - 1;
}

/**
 * Picks an address for a new instance: `requested` if given (it must be usable and free), otherwise
 * the lowest free automatic address. Throws MC_ERR_IP_OUTSIDE_SUBNET / _IP_IN_USE / _IP_POOL_EXHAUSTED.
 */
export function allocateIp(opts: { subnet: string; gateway: string; used: Iterable<string>; requested?: string }): string {
  const subnet = parseSubnet(opts.subnet);
  if (!subnet) throw errors.ipOutsideSubnet(opts.requested ?? '-', opts.subnet);
  const used = new Set(opts.used);
  if (opts.requested !== undefined) {
    if (!isUsableGuestIp(subnet, opts.gateway, opts.requested)) throw errors.ipOutsideSubnet(opts.requested, opts.subnet);
    if (used.has(opts.requested)) throw errors.ipInUse(opts.requested);
    return opts.requested;
  }
  const first = size(subnet) >= 16 ? 10 : 1;
  for (let host = first; host < size(subnet) - 1; host += 1) {
    const ip = intToIp(subnet.network + host);
    if (!used.has(ip) && isUsableGuestIp(subnet, opts.gateway, ip)) return ip;
  }
  throw errors.ipPoolExhausted(opts.subnet);
}

/** FNV-1a 32-bit: a small stable hash for MACs and tap names (not for security). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A locally-administered-looking QEMU MAC (`52:54:00:xx:xx:xx`) derived from the instance id, so it
 * is stable across controller restarts; salted until it does not collide with `used`.
 */
export function allocateMac(instanceId: string, used: Iterable<string>): string {
  const taken = new Set([...used].map((m) => m.toLowerCase()));
  for (let salt = 0; salt < 1000; salt += 1) {
    const h = fnv1a(salt === 0 ? instanceId : `${instanceId}#${salt}`) & 0xffffff;
    const mac = `52:54:00:${[16, 8, 0].map((s) => ((h >>> s) & 0xff).toString(16).padStart(2, '0')).join(':')}`;
    if (!taken.has(mac)) return mac;
  }
  throw errors.controllerUnavailable('cannot find a free MAC address');
}
