import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';

/*
 * The request log's insert, shared by the main thread (which encodes rows) and the writer thread
 * (which runs the statement). Kept free of runtime imports so the writer thread starts fast.
 */

/** The one-row insert; its parameters are REQUEST_PARAM_COUNT values in the order appendRequestParams writes. */
export const INSERT_REQUEST_SQL = `INSERT INTO metadata_requests (time, instance_id, source_ip, method, path, status, bytes, latency_ms, user_agent, token_used, flavour)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const REQUEST_PARAM_COUNT = 11;

/** A batch of rows as it travels to the writer: REQUEST_PARAM_COUNT primitives per record, back to back. */
export type RequestParamRows = (string | number | null)[];

/**
 * Appends one record's insert parameters to a flat batch (column order of INSERT_REQUEST_SQL). A flat
 * array of primitives is the cheapest shape to post to the writer thread (about half the clone cost of
 * an array of objects).
 */
export function appendRequestParams(rows: RequestParamRows, r: MetadataRequestRecord): void {
  rows.push(r.time, r.instanceId, r.sourceIp, r.method, r.path, r.status, r.bytes, r.latencyMs, r.userAgent, r.tokenUsed ? 1 : 0, r.flavour);
}
