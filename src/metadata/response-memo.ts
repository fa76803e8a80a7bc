import type { OutgoingHttpHeaders } from 'node:http';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/**
 * One response fastify actually produced, kept so the fast path (response-fast-path.ts) can replay it
 * byte for byte: the same status, the same header object (names, values, order) passed to writeHead, the
 * same body bytes. Node adds Date, Connection and Keep-Alive itself on both paths.
 */
export interface MemoEntry {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  /** The body as sent for GET. For HEAD the same bytes are handed to `end`, and Node drops them, as for fastify. */
  readonly body: Buffer;
  /** The fields of the slow path's record that depend on the answer, not on the individual request. */
  readonly record: Pick<MetadataRequestRecord, 'instanceId' | 'status' | 'bytes' | 'flavour'>;
}

export type MemoMethod = 'GET' | 'HEAD';

export interface ResponseMemoLimits {
  /** Entries (GET and HEAD together) per source address; the least recently used goes first. */
  maxEntriesPerSource: number;
  /** Source addresses remembered; past this everything is forgotten (as InstanceViews does). */
  maxSources: number;
  /** Longer request targets are never memoised (they are not what guests crawl, and keys cost memory). */
  maxUrlLength: number;
}

export const RESPONSE_MEMO_LIMITS: Readonly<ResponseMemoLimits> = {
  maxEntriesPerSource: 256,
  maxSources: 4096,
  maxUrlLength: 1024,
};

/**
 * Responses by (source address, GET/HEAD, raw request target), valid for ONE store revision: `sync` with
 * the store's current revision forgets everything when it moved, and `remember` refuses an answer that was
 * computed at any other revision. What is worth remembering is the caller's decision (see
 * response-fast-path.ts); this class only keys, bounds and invalidates.
 */
export class ResponseMemo {
  private readonly limits: ResponseMemoLimits;
  private readonly bySource = new Map<string, Map<string, MemoEntry>>();
  private revision = -1;
  /** Answers served from the memo so far (diagnostics; tests use it to tell a replay from a fresh answer). */
  hits = 0;

  constructor(limits: Partial<ResponseMemoLimits> = {}) {
    this.limits = { ...RESPONSE_MEMO_LIMITS, ...limits };
  }

  /** Forgets every entry if `revision` (the store's current one) differs from the one they were made at. */
  sync(revision: number): void {
    if (revision === this.revision) return;
    this.bySource.clear();
    this.revision = revision;
  }

  get(source: string, method: MemoMethod, url: string): MemoEntry | undefined {
    const entries = this.bySource.get(source);
    if (entries === undefined) return undefined;
    const key = memoKey(method, url);
    const entry = entries.get(key);
    if (entry !== undefined) {
      this.hits++;
      // Most recently used last: Map iteration order is insertion order.
      entries.delete(key);
      entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps `entry` if it was computed at the current revision (call `sync` first) and its URL is not too long. */
  remember(revision: number, source: string, method: MemoMethod, url: string, entry: MemoEntry): void {
    if (revision !== this.revision || url.length > this.limits.maxUrlLength) return;
    let entries = this.bySource.get(source);
    if (entries === undefined) {
      if (this.bySource.size >= this.limits.maxSources) this.bySource.clear();
      entries = new Map();
      this.bySource.set(source, entries);
    }
    const key = memoKey(method, url);
    entries.delete(key);
    if (entries.size >= this.limits.maxEntriesPerSource) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, entry);
  }

  /** Entries held for `source` (tests and diagnostics). */
  sizeOf(source: string): number {
    return this.bySource.get(source)?.size ?? 0;
  }
}

/** A request target never contains a space, so `HEAD <url>` cannot collide with a GET key. */
function memoKey(method: MemoMethod, url: string): string {
  return method === 'GET' ? url : `HEAD ${url}`;
}
