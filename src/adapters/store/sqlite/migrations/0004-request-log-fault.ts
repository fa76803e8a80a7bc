import type { Migration } from './migration.js';

/**
 * The request log says which fault rule, if any, shaped each answer (docs/faults.md): `fault` is the
 * rule's id, NULL for a normal answer. A column added at the end (no table copy); older rows read NULL.
 * A request that got no HTTP answer (a reset, a hang) is recorded with status 0.
 */
export const migration0004RequestLogFault: Migration = {
  id: 4,
  name: 'request log: the fault rule that shaped each answer (fault, NULL when none)',
  up(db) {
    db.exec('ALTER TABLE metadata_requests ADD COLUMN fault TEXT');
  },
};
