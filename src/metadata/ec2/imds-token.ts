import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * IMDSv2 session tokens, stateless like Firecracker's MMDS: the token carries its own expiry and a keyed
 * MAC over (purpose, instance id, source IP, expiry) with the per-cloud secret. So a token is
 * unforgeable without the secret, bound to the instance that asked (and its address), and expires;
 * nothing is stored, and a restart with the same secret keeps tokens valid, as EC2 does.
 *
 * Format: base64url(expiry as 8-byte big-endian epoch ms ‖ HMAC-SHA256 tag), 54 characters.
 */

const IMDS_TOKEN_TTL_MIN = 1;
const IMDS_TOKEN_TTL_MAX = 21_600;
const EXPIRY_BYTES = 8;
const TAG_BYTES = 32;
const TOKEN_BYTES = EXPIRY_BYTES + TAG_BYTES;
/** base64url length of TOKEN_BYTES; anything else is rejected before any crypto. */
const TOKEN_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);

export interface TokenSubject {
  instanceId: string;
  ip: string;
}

/**
 * Parses the TTL header: a plain decimal integer from 1 to 21600 (no sign, no spaces inside, no
 * exponent). Returns null when missing or invalid (the caller answers 400).
 */
export function parseTokenTtl(header: string | undefined): number | null {
  if (header === undefined) return null;
  const trimmed = header.trim();
  if (!/^[0-9]{1,10}$/.test(trimmed)) return null;
  const ttl = Number(trimmed);
  return ttl >= IMDS_TOKEN_TTL_MIN && ttl <= IMDS_TOKEN_TTL_MAX ? ttl : null;
}

export function issueImdsToken(secret: Uint8Array, subject: TokenSubject, expiresAtMs: number): string {
  const expiry = Buffer.alloc(EXPIRY_BYTES);
  expiry.writeBigUInt64BE(BigInt(Math.floor(expiresAtMs)));
  return Buffer.concat([expiry, tag(secret, subject, expiry)]).toString('base64url');
}

/** True when the token was issued by this cloud to this subject and has not expired at `nowMs`. */
export function verifyImdsToken(secret: Uint8Array, subject: TokenSubject, token: string, nowMs: number): boolean {
  if (token.length !== TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return false;
  const raw = Buffer.from(token, 'base64url');
  // Canonical encoding only: the last character carries unused bits, which must not make a second valid token.
  if (raw.length !== TOKEN_BYTES || raw.toString('base64url') !== token) return false;
  const expiry = raw.subarray(0, EXPIRY_BYTES);
  const expected = tag(secret, subject, expiry);
  if (!timingSafeEqual(expected, raw.subarray(EXPIRY_BYTES))) return false;
  return Number(expiry.readBigUInt64BE()) > nowMs;
}

function tag(secret: Uint8Array, subject: TokenSubject, expiry: Buffer): Buffer {
  // NUL separators: neither an instance id nor an IP can contain one, so fields cannot be shifted.
  return createHmac('sha256', secret)
    .update(`minicloud-imdsv2\0${subject.instanceId}\0${subject.ip}\0`)
    .update(expiry)
    .digest();
}
