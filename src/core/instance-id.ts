/**
 * Instance identities. Pure: randomness comes in as a function, so tests are deterministic.
 * EC2-style id `i-` + 17 lowercase hex digits (cirros's EC2 datasource accepts only ids starting
 * with `i-`); OpenStack-style uuid v4 for the same instance.
 */

/** Returns `n` random bytes (node:crypto's randomBytes fits). */
export type RandomBytes = (n: number) => Uint8Array;

export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{17}$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newInstanceId(random: RandomBytes): string {
  return `i-${hex(random(9)).slice(0, 17)}`;
}

/** RFC 4122 version-4 uuid. */
export function newUuid(random: RandomBytes): string {
  const b = Uint8Array.from(random(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Default instance name: `<image>-<5 hex of the id>` (like Multipass's petnames, but traceable to the id). */
export function defaultInstanceName(imageName: string, instanceId: string): string {
  const base = imageName.replace(/[^a-z0-9-]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'vm';
  return `${base.slice(0, 40)}-${instanceId.slice(2, 7)}`;
}

/** Names become hostnames and domain names: RFC 1123 labels. */
export const INSTANCE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
