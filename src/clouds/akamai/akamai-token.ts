import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Akamai metadata tokens (`PUT /v1/token`), stateless as minicloud's IMDSv2 tokens: the token carries its
 * expiry and a keyed MAC over (purpose, instance id, source address, expiry) with the per-cloud secret,
 * so it is unforgeable, bound to the instance that asked and its address, and expires; nothing is stored.
 * The purpose keeps an Akamai token from ever passing as another API's token. Pure.
 *
 * Format: base64url(expiry as 8-byte big-endian epoch ms ‖ HMAC-SHA256 tag), 54 characters.
 */
const EXPIRY_BYTES = 8;
const TOKEN_BYTES = EXPIRY_BYTES + 32;
const TOKEN_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);

/** Akamai's default lifetime when the request names none, and the longest it grants (seconds). */
const AKAMAI_TOKEN_DEFAULT_SECONDS = 3600;
const AKAMAI_TOKEN_MAX_SECONDS = 86_400;

export interface AkamaiTokenSubject {
  instanceId: string;
  ip: string;
}

/** The lifetime header: absent is the default; a whole number from 1 to 86400 is itself; else null (400). */
export function parseAkamaiTokenExpiry(header: string | undefined): number | null {
  if (header === undefined) return AKAMAI_TOKEN_DEFAULT_SECONDS;
  const trimmed = header.trim();
  if (!/^[0-9]{1,6}$/.test(trimmed)) return null;
  const seconds = Number(trimmed);
  return seconds >= 1 && seconds <= AKAMAI_TOKEN_MAX_SECONDS ? seconds : null;
}

export function issueAkamaiToken(secret: Uint8Array, subject: AkamaiTokenSubject, expiresAtMs: number): string {
  const expiry = Buffer.alloc(EXPIRY_BYTES);
  expiry.writeBigUInt64BE(BigInt(Math.floor(expiresAtMs)));
  return Buffer.concat([expiry, tag(secret, subject, expiry)]).toString('base64url');
}

/** True when the token was issued by this cloud to this subject and has not expired at `nowMs`. */
export function verifyAkamaiToken(secret: Uint8Array, subject: AkamaiTokenSubject, token: string, nowMs: number): boolean {
  if (token.length !== TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return false;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== TOKEN_BYTES || raw.toString('base64url') !== token) return false;
  const expiry = raw.subarray(0, EXPIRY_BYTES);
  if (!timingSafeEqual(tag(secret, subject, expiry), raw.subarray(EXPIRY_BYTES))) return false;
  return Number(expiry.readBigUInt64BE()) > nowMs;
}

function tag(secret: Uint8Array, subject: AkamaiTokenSubject, expiry: Buffer): Buffer {
  // NUL separators: neither an instance id nor an address can contain one, so fields cannot be shifted.
  return createHmac('sha256', secret).update(`minicloud-akamai-metadata\0${subject.instanceId}\0${subject.ip}\0`).update(expiry).digest();
}
