import { errors, type MinicloudError } from '../../errors/catalogue.js';

/** The query parameters GCE's metadata server understands; any other parameter is ignored. */
export interface GceQuery {
  /** `recursive=true` (any case: cloud-init sends `True`): a directory answers with everything below it. */
  recursive: boolean;
  /** `alt=text|json`; null: the node's own default. */
  alt: 'text' | 'json' | null;
  /** `wait_for_change=true`: hold the answer until the content changes (or `timeoutSec`). */
  waitForChange: boolean;
  /** `last_etag`: answer at once when the current ETag differs from it. */
  lastEtag: string | null;
  /** `timeout_sec`: the longest wait, in seconds; null: until a change (bounded by MAX_WAIT_SEC). */
  timeoutSec: number | null;
}

/** The longest a wait_for_change request is held, whatever timeout_sec asks (an open request costs a socket). */
export const MAX_WAIT_SEC = 3600;

const NO_QUERY: GceQuery = { recursive: false, alt: null, waitForChange: false, lastEtag: null, timeoutSec: null };

/** Parses the query string of `url`; a bad `alt` or `timeout_sec` is a coded 400. Pure. */
export function parseGceQuery(url: string): GceQuery | MinicloudError {
  const q = url.indexOf('?');
  if (q === -1) return NO_QUERY;
  const params = new URLSearchParams(url.slice(q + 1));
  const query: GceQuery = { ...NO_QUERY };
  for (const [name, value] of params) {
    switch (name) {
      case 'recursive':
        query.recursive = value.toLowerCase() === 'true';
        break;
      case 'wait_for_change':
        query.waitForChange = value.toLowerCase() === 'true';
        break;
      case 'alt': {
        const alt = value.toLowerCase();
        if (alt !== 'text' && alt !== 'json') return errors.metadataBadRequest(`alt must be text or json, not ${JSON.stringify(value.slice(0, 40))}`);
        query.alt = alt;
        break;
      }
      case 'last_etag':
        query.lastEtag = value;
        break;
      case 'timeout_sec': {
        if (!/^\d{1,9}$/.test(value) || Number(value) < 1) return errors.metadataBadRequest(`timeout_sec must be a whole number of seconds from 1, not ${JSON.stringify(value.slice(0, 40))}`);
        query.timeoutSec = Math.min(Number(value), MAX_WAIT_SEC);
        break;
      }
    }
  }
  return query;
}
