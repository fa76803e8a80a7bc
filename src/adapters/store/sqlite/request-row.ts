import { Type } from '@sinclair/typebox';
import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';
import { rowValidator } from './row-validation.js';

/** A row of `metadata_requests` as better-sqlite3 returns it. */
export interface RequestRow {
  seq: number;
  time: number;
  instance_id: string | null;
  source_ip: string;
  method: string;
  path: string;
  status: number;
  bytes: number;
  latency_ms: number;
  user_agent: string | null;
  token_used: number;
  flavour: string | null;
  /** Migration 4; NULL for rows written before it and for normal answers. */
  fault: string | null;
}

const MetadataRequestSchema = Type.Object({
  time: Type.Integer(),
  instanceId: Type.Union([Type.String(), Type.Null()]),
  sourceIp: Type.String(),
  method: Type.String({ minLength: 1 }),
  path: Type.String(),
  // 0: no HTTP answer was sent (a fault rule reset the connection or held the request: NO_ANSWER_STATUS).
  status: Type.Union([Type.Literal(0), Type.Integer({ minimum: 100, maximum: 599 })]),
  bytes: Type.Integer({ minimum: 0 }),
  latencyMs: Type.Number({ minimum: 0 }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  tokenUsed: Type.Boolean(),
  // A MetadataApi name; the registry decides which exist, and a row written by a newer minicloud may name one this one lacks.
  flavour: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
  fault: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
});

const checkRequest = rowValidator(MetadataRequestSchema, 'metadata_requests');

/** Decodes and validates one row; throws MC_ERR_STORE_ROW_INVALID (key = seq). */
export function requestFromRow(row: RequestRow): MetadataRequestRecord {
  const candidate = {
    time: row.time,
    instanceId: row.instance_id,
    sourceIp: row.source_ip,
    method: row.method,
    path: row.path,
    status: row.status,
    bytes: row.bytes,
    latencyMs: row.latency_ms,
    userAgent: row.user_agent,
    tokenUsed: row.token_used === 1 ? true : row.token_used === 0 ? false : row.token_used,
    flavour: row.flavour,
    fault: row.fault,
  };
  return checkRequest(candidate, `seq ${row.seq}`);
}
