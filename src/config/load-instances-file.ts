import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { InstanceRecord } from '../domain/instance.js';
import { errors } from '../errors/catalogue.js';
import { schemaChecker } from './first-schema-error.js';
import { cloudEventsFromEntry } from './cloud-events-from-entry.js';
import { instanceFromEntry } from './instance-from-entry.js';
import { InstancesFileSchema, type InstanceEntry, type InstancesFile } from './instances-file-schema.js';

const checkFile = schemaChecker(InstancesFileSchema);

/** Fields two instances may not share, checked after defaults are applied (pointer names the entry field). */
const UNIQUE_FIELDS: readonly ['ip' | 'id' | 'name' | 'mac' | 'uuid', string][] = [
  ['ip', 'ip'],
  ['id', 'id'],
  ['name', 'name'],
  ['mac', 'mac'],
  ['uuid', 'uuid'],
];

/**
 * Reads an instances file (YAML; JSON is valid YAML too) and returns its instances, in file order.
 * Unreadable file or user-data file → MC_ERR_FILE_UNREADABLE; anything wrong inside →
 * MC_ERR_FILE_INVALID with a JSON pointer to the field (`/instances/1/mac`) and the reason.
 */
export function loadInstancesFile(path: string, now: number): InstanceRecord[] {
  const text = readText(path);
  const parsed = parseInstancesFile(text, path);
  const baseDir = dirname(resolve(path));
  const records = parsed.instances.map((entry, index) =>
    instanceFromEntry(entry, {
      createdAt: now + index,
      userData: resolveUserData(entry, index, path, baseDir),
      cloudEvents: cloudEventsFromEntry(entry.events, { startedAt: now, seed: entry.ip, pointer: `/instances/${index}/events`, path }),
    }),
  );
  assertUnique(records, path);
  return records;
}

/** Text → validated document. Pure apart from nothing: exported for tests and for `minicloud.yaml` later. */
function parseInstancesFile(text: string, path: string): InstancesFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = lines.linePos(syntax.pos[0]);
    throw errors.fileInvalid(path, `line ${at.line}, column ${at.col}`, syntax.message.split('\n')[0] ?? 'not valid YAML/JSON');
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const problem = checkFile(value);
  if (problem) throw errors.fileInvalid(path, problem.pointer, problem.reason);
  return value as InstancesFile;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw errors.fileUnreadable(path, reasonOf(err)).causedBy(err);
  }
}

function resolveUserData(entry: InstanceEntry, index: number, path: string, baseDir: string): Uint8Array | null {
  const given = entry.userData;
  if (given === undefined) return null;
  if (typeof given === 'string') return new TextEncoder().encode(given);
  if ('text' in given) return new TextEncoder().encode(given.text);
  if ('base64' in given) {
    const compact = given.base64.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw errors.fileInvalid(path, `/instances/${index}/userData/base64`, 'expected base64 text (A-Z, a-z, 0-9, +, /, = padding)');
    }
    return new Uint8Array(Buffer.from(compact, 'base64'));
  }
  const file = resolve(baseDir, given.file);
  try {
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    throw errors.fileUnreadable(`${file} (userData of /instances/${index} in ${path})`, reasonOf(err)).causedBy(err);
  }
}

function assertUnique(records: readonly InstanceRecord[], path: string): void {
  for (const [field, key] of UNIQUE_FIELDS) {
    const firstIndex = new Map<string, number>();
    records.forEach((record, index) => {
      const value = record[field];
      const earlier = firstIndex.get(value);
      if (earlier !== undefined) {
        throw errors.fileInvalid(path, `/instances/${index}/${key}`, `${value} is already used by /instances/${earlier}`);
      }
      firstIndex.set(value, index);
    });
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') {
    if (err.code === 'ENOENT') return 'no such file';
    if (err.code === 'EACCES') return 'permission denied';
    if (err.code === 'EISDIR') return 'is a directory';
  }
  return err instanceof Error ? err.message : String(err);
}
