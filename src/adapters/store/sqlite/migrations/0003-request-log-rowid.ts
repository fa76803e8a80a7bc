import type { Migration } from './migration.js';

/**
 * A cheaper insert for the request log, which is written on the metadata server's thread (measured in
 * docs/architecture.md, "The state store"):
 * - `seq` becomes a plain INTEGER PRIMARY KEY (the rowid): an insert no longer updates `sqlite_sequence`.
 *   `seq` stays the append order: nothing deletes from the log, so a new seq (max + 1) is above all others.
 * - the per-instance index is on `instance_id` alone: its entries end in the rowid, so they stay in seq order.
 * - the index on `time` goes: SQLite never chose it for the log's `time > ? ORDER BY seq DESC` (it scans
 *   seq backwards to avoid a sort), so every insert paid for it and no query used it.
 * Every row is copied with its seq, in the migration's transaction.
 */
export const migration0003RequestLogRowid: Migration = {
  id: 3,
  name: 'request log: seq as a plain rowid (no AUTOINCREMENT), one index (instance_id), none on time',
  up(db) {
    db.exec(`
      CREATE TABLE metadata_requests_0003 (
        seq         INTEGER PRIMARY KEY,               -- append order (the rowid)
        time        INTEGER NOT NULL,
        instance_id TEXT,                              -- no foreign key: the log outlives instances
        source_ip   TEXT NOT NULL,
        method      TEXT NOT NULL,
        path        TEXT NOT NULL,
        status      INTEGER NOT NULL,
        bytes       INTEGER NOT NULL,
        latency_ms  REAL NOT NULL,
        user_agent  TEXT,
        token_used  INTEGER NOT NULL,
        flavour     TEXT
      ) STRICT;
      INSERT INTO metadata_requests_0003 (seq, time, instance_id, source_ip, method, path, status, bytes, latency_ms, user_agent, token_used, flavour)
        SELECT seq, time, instance_id, source_ip, method, path, status, bytes, latency_ms, user_agent, token_used, flavour
          FROM metadata_requests ORDER BY seq;
      DROP TABLE metadata_requests;
      ALTER TABLE metadata_requests_0003 RENAME TO metadata_requests;
      CREATE INDEX metadata_requests_by_instance ON metadata_requests (instance_id);
    `);
  },
};
