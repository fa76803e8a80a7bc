import type { Database } from 'better-sqlite3';
import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';
import type { RequestLogQuery } from '../../../ports/store.js';
import { requestFromRow, type RequestRow } from './request-row.js';

/**
 * The written part of a request-log query, oldest first, validated (MC_ERR_STORE_ROW_INVALID).
 * Plans: a per-instance query walks the `instance_id` index (its entries end in seq) backwards; any
 * other walks seq backwards, stopping after `limit` matches. A sinceTime query without an instance
 * that has fewer than `limit` matches reads the whole log: there is no index on `time` (migration 3).
 */
export function selectWrittenRequests(db: Database, q: RequestLogQuery): MetadataRequestRecord[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.instanceId !== undefined) {
    where.push('instance_id = ?');
    params.push(q.instanceId);
  }
  if (q.sinceTime !== undefined) {
    where.push('time > ?');
    params.push(q.sinceTime);
  }
  const limit = q.limit === undefined ? '' : ` LIMIT ${queryLimit(q.limit)}`;
  const sql = `SELECT * FROM metadata_requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC${limit}`;
  const rows = db.prepare<(string | number)[], RequestRow>(sql).all(...params);
  return rows.reverse().map(requestFromRow);
}

/** Whether a record not yet written belongs in the answer to `q` (the same filter as the SQL). */
export function matchesRequestQuery(r: MetadataRequestRecord, q: RequestLogQuery): boolean {
  return (q.instanceId === undefined || r.instanceId === q.instanceId) && (q.sinceTime === undefined || r.time > q.sinceTime);
}

/** The port's limit as a row count: at least 0, whole. */
export function queryLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
