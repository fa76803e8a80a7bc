import type { Migration } from './migration.js';

/**
 * The controller's own state per instance, next to `instances` (same id): desired state, image,
 * resources, accelerator, readiness stages with their times, and the recorded failure. Written by
 * src/adapters/store/sqlite/sqlite-controller-store.ts; one JSON document per row, always read and written whole
 * and validated on read. No foreign key: the controller writes the metadata row first and deletes it
 * last, and drops half-written pairs at start.
 */
export const migration0002Controller: Migration = {
  id: 2,
  name: 'controller state per instance (desired state, image, resources, stage timings, failure)',
  up(db) {
    db.exec(`
      CREATE TABLE controller_instances (
        id         TEXT PRIMARY KEY NOT NULL,
        seq        INTEGER NOT NULL,             -- creation order
        desired    TEXT NOT NULL,                -- running | deleted (also inside doc; here for queries)
        doc        TEXT NOT NULL,                -- JSON ControllerInstance
        updated_at INTEGER NOT NULL              -- epoch ms
      ) STRICT;
    `);
  },
};
