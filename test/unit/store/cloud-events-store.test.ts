import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/adapters/store/sqlite/migrate.js';
import { migrations } from '../../../src/adapters/store/sqlite/migrations/index.js';
import { openSqliteStore } from '../../../src/adapters/store/sqlite/open-sqlite-store.js';
import { maintenanceEvent, rebalanceEvent, spotEvent } from '../../../src/core/cloud-event-spec.js';
import type { CloudEvent } from '../../../src/domain/cloud-event.js';
import { sampleInstance } from '../../helpers/instance-record.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';

const requestLog = { onFlushError: (err: unknown) => { throw err; } };
const NOW = 1_800_000_000_000;

/** One event of each kind, in every state a field can be in (fired, canceled, no-act). */
function events(): CloudEvent[] {
  const spot = spotEvent('instance-event-0123456789abcdef0', NOW, { action: 'stop', inMs: 120_000, act: true });
  const maint = maintenanceEvent('instance-event-0123456789abcdef1', NOW, { code: 'instance-retirement', notBefore: NOW + 3_600_000, durationMs: 7_200_000, act: false });
  const rebalance = rebalanceEvent('instance-event-0123456789abcdef2', NOW);
  return [{ ...spot, fired: { at: NOW + 120_400, outcome: 'stopped', detail: null } }, { ...maint, canceledAt: NOW + 5 }, rebalance];
}

describe('instances.cloud_events (migration 5): cloud events persist with their instance', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-cloud-events-'));
    path = join(dir, 'state.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates a schema-4 database: an instance written before it reads back with no events', () => {
    const db = new Database(path);
    migrate(db, path, migrations.slice(0, 4));
    const record = sampleInstance(1);
    db.prepare(`INSERT INTO instances (id, uuid, name, hostname, mac, ip, public_keys, user_data, meta, datasource, imdsv2, launch_index, instance_type, image_id, availability_zone, region, reservation_id, security_groups, iam_role, vendor_data, created_at)
      VALUES (?, ?, ?, ?, ?, ?, '[]', NULL, '{}', 'ec2', 'optional', 0, 't3.micro', 'ami-00000000', 'a', 'r', ?, '[]', NULL, '{}', 1)`).run(record.id, record.uuid, record.name, record.hostname, record.mac, record.ip, record.reservationId);
    db.close();

    const store = openSqliteStore({ path, requestLog });
    expect(store.schemaVersion).toBe(migrations.length);
    expect(store.instances.getInstance(record.id)?.cloudEvents).toEqual([]);
    store.close();
  });

  it('writes the events with the record and reads them back whole after a reopen (a controller restart)', () => {
    const store = openSqliteStore({ path, requestLog });
    store.instances.insertInstance(sampleInstance(1, { cloudEvents: events() }));
    store.close();
    const reopened = openSqliteStore({ path, requestLog });
    expect(reopened.instances.getInstance(sampleInstance(1).id)?.cloudEvents).toEqual(events());
    reopened.instances.updateInstance({ ...sampleInstance(1), cloudEvents: events().slice(2) });
    reopened.close();
    const again = openSqliteStore({ path, requestLog });
    expect(again.instances.getInstance(sampleInstance(1).id)?.cloudEvents).toEqual(events().slice(2));
    again.close();
  });

  it('validates the events on read: a bad one is MC_ERR_STORE_ROW_INVALID naming the field', () => {
    const store = openSqliteStore({ path, requestLog });
    store.instances.insertInstance(sampleInstance(1, { cloudEvents: events() }));
    store.close();
    const db = new Database(path);
    const broken = events().map((e) => (e.kind === 'spot' ? { ...e, action: 'explode' } : e));
    db.prepare('UPDATE instances SET cloud_events = ?').run(JSON.stringify(broken));
    db.close();
    const err = thrownMinicloudError(() => openSqliteStore({ path, requestLog }));
    expect(err.code).toBe('MC_ERR_STORE_ROW_INVALID');
    expect(err.message).toContain(sampleInstance(1).id);
    expect(err.message).toContain('/cloudEvents/0');
  });
});
