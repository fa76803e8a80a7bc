import { createHash } from 'node:crypto';

/**
 * Stable identifiers the instance record does not carry but the APIs show (EC2 eni-/subnet-/vpc- ids,
 * Nova network and VIF uuids). Derived by hashing, so the same instance always shows the same values and
 * golden files stay stable. Pure.
 */
export function derivedHex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** An RFC 4122-shaped (version 4 layout) uuid derived from `seed`. */
export function derivedUuid(seed: string): string {
  const h = derivedHex(seed, 32);
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The /24 an IPv4 address sits in, as `a.b.c`: the seed for per-network ids (one bridge = one subnet). */
export function networkSeed(ip: string): string {
  return ip.split('.').slice(0, 3).join('.');
}

/** RFC 3339 in UTC without milliseconds (`2023-11-14T22:13:20Z`), the form EC2's JSON documents use. */
export function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
