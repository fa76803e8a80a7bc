import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import type { MemoEntry } from './response-memo.js';

/**
 * The bytes node:http writes for a memoised answer on a keep-alive HTTP/1.1 connection, built the way
 * ServerResponse#writeHead + end build them (lib/_http_outgoing.js `_storeHeader`): the status line,
 * the header object in its order (an array value is one line per element), `Date`, `Connection:
 * keep-alive`, `Keep-Alive: timeout=<s>`, the empty line, then the body (none for HEAD).
 * test/unit/metadata/response-memo.test.ts compares these bytes with node:http's own, so a Node release
 * that writes otherwise fails there rather than on a guest.
 *
 * Only entries node:http would frame with Content-Length qualify (otherwise it would chunk or close):
 * `wireHead` returns null for the others, and the caller leaves them to node:http.
 */
export interface WireHead {
  /** Status line and the entry's headers, ending in CRLF. */
  readonly before: string;
  /** The Connection and Keep-Alive lines and the empty line. */
  readonly after: string;
}

export function wireHead(entry: MemoEntry, keepAliveTimeoutMs: number): WireHead | null {
  if (!hasContentLength(entry.headers)) return null;
  let before = `HTTP/1.1 ${entry.status} ${STATUS_CODES[entry.status] ?? 'unknown'}\r\n`;
  for (const [name, value] of Object.entries(entry.headers)) {
    if (value === undefined) continue;
    if (/^(date|connection|keep-alive|transfer-encoding)$/i.test(name)) return null; // node:http's own business
    for (const one of Array.isArray(value) ? value : [value]) before += `${name}: ${String(one)}\r\n`;
  }
  const keepAlive = Math.floor(keepAliveTimeoutMs / 1000);
  const after = `Connection: keep-alive\r\n${keepAliveTimeoutMs > 0 ? `Keep-Alive: timeout=${keepAlive}\r\n` : ''}\r\n`;
  return { before, after };
}

/** The whole response: head with `Date: <date>` between its parts, then the body unless the method is HEAD. */
export function wireBytes(head: WireHead, date: string, body: Buffer | null): Buffer {
  const text = `${head.before}Date: ${date}\r\n${head.after}`;
  if (body === null || body.length === 0) return Buffer.from(text, 'latin1');
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(text, 'latin1') + body.length);
  const written = bytes.write(text, 0, 'latin1');
  body.copy(bytes, written);
  return bytes;
}

function hasContentLength(headers: OutgoingHttpHeaders): boolean {
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-length') return headers[name] !== undefined;
  return false;
}
