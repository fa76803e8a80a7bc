import { createHash } from 'node:crypto';
import type { GceQuery } from './gce-query.js';
import { renderJson, renderListing, renderRecursiveText, resolveGceNode, type GceDir } from './gce-tree.js';

/** GCE's content types: `application/text` for values and listings, `application/json` for JSON. */
export const GCE_TEXT = 'application/text';
const GCE_JSON = 'application/json';

/** An answer ready to send, with its ETag (a hash of the body, so it changes exactly when the body does). */
export interface GceAnswer {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
}

export type GceResolution =
  | { kind: 'answer'; answer: GceAnswer }
  /** A directory asked for without its trailing slash: GCE answers 301 to the slashed path. */
  | { kind: 'redirect' }
  | { kind: 'not-found' };

/** GCE's ETags: 16 lower-case hex digits, unquoted. */
export function gceEtag(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

export function gceAnswer(body: string, contentType: string): GceAnswer {
  return { body, contentType, etag: gceEtag(body) };
}

/**
 * What the tree answers for `segments` (no empty ones; from the root `/`), asked with or without a
 * trailing slash, with the query's `recursive` and `alt`. Pure.
 *   - a directory needs its trailing slash (else a redirect); it answers its listing, or with
 *     `recursive=true` everything below it (JSON, or `path value` lines with `alt=text`); `alt=json`
 *     alone answers the listing's names as a JSON array;
 *   - a value answers its default form, or the one `alt` asks for; with a trailing slash it names nothing.
 */
export function resolveGce(root: GceDir, segments: readonly string[], hasTrailingSlash: boolean, query: Pick<GceQuery, 'recursive' | 'alt'>): GceResolution {
  const node = resolveGceNode(root, segments);
  if (node === undefined) return { kind: 'not-found' };
  if (node.kind === 'dir') {
    if (!hasTrailingSlash && segments.length > 0) return { kind: 'redirect' };
    if (query.recursive) return { kind: 'answer', answer: query.alt === 'text' ? gceAnswer(renderRecursiveText(node), GCE_TEXT) : gceAnswer(renderJson(node), GCE_JSON) };
    const listing = renderListing(node);
    if (query.alt === 'json') return { kind: 'answer', answer: gceAnswer(JSON.stringify(listing.split('\n').filter((l) => l !== '')), GCE_JSON) };
    return { kind: 'answer', answer: gceAnswer(listing, GCE_TEXT) };
  }
  if (hasTrailingSlash) return { kind: 'not-found' };
  const alt = query.alt ?? node.defaultAlt;
  return { kind: 'answer', answer: alt === 'json' ? gceAnswer(node.json, GCE_JSON) : gceAnswer(node.text, GCE_TEXT) };
}
