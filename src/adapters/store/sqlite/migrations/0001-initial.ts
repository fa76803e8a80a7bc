import type { Migration } from './migration.js';

/**
 * The first schema: instances as the metadata plane serves them, their OpenStack passwords, the
 * metadata request log and the per-cloud key/value settings (cloud id, token secret).
 * JSON columns hold arrays/objects that are always read and written whole.
 */
export const migration0001Initial: Migration = {
  id: 1,
  name: 'instances, instance passwords, metadata request log, cloud settings',
  up(db) {
    db.exec(`
      CREATE TABLE instances (
        id                TEXT PRIMARY KEY NOT NULL,
        uuid              TEXT NOT NULL,
        name              TEXT NOT NULL UNIQUE,
        hostname          TEXT NOT NULL,
        mac               TEXT NOT NULL UNIQUE,
        ip                TEXT NOT NULL UNIQUE,
        public_keys       TEXT NOT NULL,           -- JSON [{name, key}]
        user_data         BLOB,                    -- raw bytes; NULL = none
        meta              TEXT NOT NULL,           -- JSON {string: string}
        datasource        TEXT NOT NULL,
        imdsv2            TEXT NOT NULL,
        launch_index      INTEGER NOT NULL,
        instance_type     TEXT NOT NULL,
        image_id          TEXT NOT NULL,
        availability_zone TEXT NOT NULL,
        region            TEXT NOT NULL,
        reservation_id    TEXT NOT NULL,
        security_groups   TEXT NOT NULL,           -- JSON [string]
        iam_role          TEXT,                    -- JSON IamRole; NULL = none
        vendor_data       TEXT NOT NULL,           -- JSON object
        created_at        INTEGER NOT NULL         -- epoch ms
      ) STRICT;

      CREATE TABLE instance_passwords (
        instance_id TEXT PRIMARY KEY NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        password    TEXT NOT NULL,
        set_at      INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE metadata_requests (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT, -- append order
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
      CREATE INDEX metadata_requests_by_instance ON metadata_requests (instance_id, seq);
      CREATE INDEX metadata_requests_by_time ON metadata_requests (time);

      CREATE TABLE cloud (
        key   TEXT PRIMARY KEY NOT NULL,
        value BLOB NOT NULL
      ) STRICT;
    `);
  },
};
