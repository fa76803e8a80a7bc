import type { InstanceRecord } from '../../../domain/instance.js';
import { errors, type MinicloudError } from '../../../errors/catalogue.js';

const FIELD_BY_COLUMN: Record<string, { what: string; value: (i: InstanceRecord) => string }> = {
  id: { what: 'id', value: (i) => i.id },
  name: { what: 'name', value: (i) => i.name },
  mac: { what: 'MAC', value: (i) => i.mac },
  ip: { what: 'IP', value: (i) => i.ip },
};

/**
 * Turns SQLite's "UNIQUE constraint failed: instances.<column>" into MC_ERR_INSTANCE_EXISTS naming
 * the field that collided and its value. Returns undefined for any other error (the caller rethrows).
 */
export function instanceExistsFromSqliteError(err: unknown, instance: InstanceRecord): MinicloudError | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  if (err.code !== 'SQLITE_CONSTRAINT_UNIQUE' && err.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
  const column = /instances\.(\w+)/.exec(err.message)?.[1];
  const field = column === undefined ? undefined : FIELD_BY_COLUMN[column];
  if (!field) return undefined;
  return errors.instanceExists(field.what, field.value(instance)).causedBy(err);
}
