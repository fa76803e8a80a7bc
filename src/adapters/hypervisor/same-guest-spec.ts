import type { GuestSpec } from '../../ports/hypervisor.js';

/** Structural equality of two specs (key order ignored): decides whether `define` is a no-op. */
export function sameGuestSpec(a: GuestSpec, b: GuestSpec): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
