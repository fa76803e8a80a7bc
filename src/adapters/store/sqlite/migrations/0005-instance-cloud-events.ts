import type { Migration } from './migration.js';

/**
 * Cloud events (docs/events.md) are part of their instance's record: `cloud_events` holds the instance's
 * events as one JSON array, read and written whole with the rest of the row and validated on read. A
 * column added at the end (no table copy); existing instances read `[]`.
 */
export const migration0005InstanceCloudEvents: Migration = {
  id: 5,
  name: 'instances: the cloud events of each instance (cloud_events, a JSON array)',
  up(db) {
    db.exec("ALTER TABLE instances ADD COLUMN cloud_events TEXT NOT NULL DEFAULT '[]'");
  },
};
