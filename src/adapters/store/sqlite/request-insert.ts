import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { MetadataRequestRecord } from '../../../domain/metadata-request.js';

type InsertParams = [number, string | null, string, string, string, number, number, number, string | null, number, string | null, string | null];

/**
 * Writes request-log records to `metadata_requests`: one prepared single-row INSERT, prepared once and
 * run for every record inside ONE transaction per call. All the records commit or none does: on
 * failure SQLite's error is thrown and nothing was written. Measured cheaper per row than a multi-row
 * INSERT or a JSON batch unpacked by json_each (docs/architecture.md, "The state store").
 */
export class RequestLogInsert {
  private readonly insert: Statement<InsertParams>;
  private readonly inOneTransaction: Transaction<(records: readonly MetadataRequestRecord[], from: number, to: number) => void>;

  constructor(db: Database) {
    this.insert = db.prepare<InsertParams>(
      `INSERT INTO metadata_requests (time, instance_id, source_ip, method, path, status, bytes, latency_ms, user_agent, token_used, flavour, fault)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insert = this.insert;
    this.inOneTransaction = db.transaction((records: readonly MetadataRequestRecord[], from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const r = records[i] as MetadataRequestRecord;
        insert.run(r.time, r.instanceId, r.sourceIp, r.method, r.path, r.status, r.bytes, r.latencyMs, r.userAgent, r.tokenUsed ? 1 : 0, r.flavour, r.fault);
      }
    });
  }

  /** Writes records[from, to) in one transaction, in that order. */
  write(records: readonly MetadataRequestRecord[], from: number, to: number): void {
    if (to > from) this.inOneTransaction(records, from, to);
  }
}
