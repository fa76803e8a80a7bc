import type { InstanceRecord } from '../domain/instance.js';
import type { InstanceStore } from '../ports/store.js';

/**
 * Makes the store hold exactly `records`: removes instances the file no longer has, updates those it
 * still has (keeping their OpenStack password), inserts new ones. Removals come first so an IP or
 * name moving from a removed instance to a new one does not collide.
 */
export function syncInstances(store: InstanceStore, records: readonly InstanceRecord[]): void {
  const wanted = new Set(records.map((r) => r.id));
  for (const existing of store.listInstances()) if (!wanted.has(existing.id)) store.deleteInstance(existing.id);
  for (const record of records) {
    if (store.getInstance(record.id)) store.updateInstance(record);
    else store.insertInstance(record);
  }
}
