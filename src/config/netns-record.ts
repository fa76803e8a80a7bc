import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { errors } from '../errors/catalogue.js';
import { schemaChecker } from './first-schema-error.js';

/**
 * `$MINICLOUD_HOME/netns.json`: where `up --netns NAME` runs the cloud. Written by `up` before anything
 * is created inside the namespace, removed once the namespace is left empty (by `down`, by a failed
 * `up`, or by `prune`). It lets a plain `minicloud prune` find a crashed cloud's namespace, and it is the
 * only licence to delete a namespace: minicloud deletes NAME only when this record says it created NAME
 * and NAME is still the namespace it created (same inode).
 */
/** `ip netns` names minicloud accepts (`up --netns`): they become a file name under /run/netns. */
export const NETNS_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const NetnsRecordSchema = Type.Object(
  {
    name: Type.String({ pattern: NETNS_NAME_PATTERN.source, description: 'an `ip netns` name' }),
    created: Type.Boolean({ description: 'true when minicloud created the namespace (then down/prune delete it)' }),
    inode: Type.Integer({ minimum: 1, description: 'inode of /run/netns/NAME when it was recorded' }),
  },
  { additionalProperties: false },
);
export type NetnsRecord = Static<typeof NetnsRecordSchema>;

const check = schemaChecker(NetnsRecordSchema);

/** The record, or null when there is none. Throws MC_ERR_FILE_INVALID for a file that is not a record. */
export function readNetnsRecord(path: string): NetnsRecord | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw errors.fileUnreadable(path, (err as Error).message).causedBy(err);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw errors.fileInvalid(path, '(json)', (err as Error).message).causedBy(err);
  }
  const problem = check(data);
  if (problem) throw errors.fileInvalid(path, problem.pointer, problem.reason);
  return data as NetnsRecord;
}

/** Writes the record atomically (a crash never leaves half a record). */
export function writeNetnsRecord(path: string, record: NetnsRecord): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Removes the record if it still names `name` (another `up` may have recorded another namespace since). */
export function clearNetnsRecord(path: string, name: string): void {
  if (readNetnsRecord(path)?.name === name) rmSync(path, { force: true });
}
