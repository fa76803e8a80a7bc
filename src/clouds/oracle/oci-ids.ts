import { createHash } from 'node:crypto';

/**
 * OCI identifiers minicloud derives from the instance record (stable: the same instance always shows the
 * same OCIDs, so golden files hold). OCIDs have the form `ocid1.<type>.oc1.<region key>.<unique id>`
 * (tenancies and compartments have no region: `ocid1.tenancy.oc1..<unique id>`); the unique part is
 * lowercase base32, 60 characters. Pure.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `length` characters of `alphabet` (up to 64 symbols) derived from `seed` by SHA-256 (chained when longer). */
function derivedChars(seed: string, length: number, alphabet: string): string {
  let out = '';
  for (let round = 0; out.length < length; round += 1) {
    for (const byte of createHash('sha256').update(`${seed}#${round}`).digest()) {
      out += alphabet.charAt(byte % alphabet.length);
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * The region's three-letter key (OCI: `PHX` for `us-phoenix-1`): the first three letters of the longest
 * alphabetic part of the region name, upper-cased (`us-east-1` → `EAS`; `minicloud-1` → `MIN`).
 */
export function ociRegionKey(region: string): string {
  const words = region.split(/[^A-Za-z]+/).filter((w) => w.length > 0);
  const longest = words.reduce((a, b) => (b.length > a.length ? b : a), '');
  return (longest.slice(0, 3) || 'MCL').toUpperCase().padEnd(3, 'X');
}

/** An OCID of `type` in `region` (null: a global resource such as a tenancy) for `seed`. */
export function ocid(type: string, region: string | null, seed: string, prefix = 'aaaaaaaa'): string {
  const unique = prefix + derivedChars(`oci-${type}:${seed}`, 60 - prefix.length, BASE32);
  return `ocid1.${type}.oc1.${region === null ? '' : ociRegionKey(region).toLowerCase()}.${unique}`;
}

/** The tenancy-specific prefix of availability domain names (`qIZq` in `qIZq:PHX-AD-1`). */
export function adPrefix(tenancySeed: string): string {
  return derivedChars(`oci-ad-prefix:${tenancySeed}`, 4, LETTERS);
}

/** A VLAN tag (1-4094) derived from `seed`: OCI shows the VNIC's tag on the hypervisor side. */
export function vlanTag(seed: string): number {
  const digest = createHash('sha256').update(`oci-vlan:${seed}`).digest();
  return (digest.readUInt16BE(0) % 4094) + 1;
}
