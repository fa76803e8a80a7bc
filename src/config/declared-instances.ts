import { isAbsolute, resolve } from 'node:path';
import type { LaunchInput } from '../core/launch.js';
import { parseMemoryMiB, parseSize } from '../core/units.js';
import type { InstanceConfigSchema } from './minicloud-config.js';
import type { Static } from '@sinclair/typebox';
import { readInputFile, readPublicKey } from './read-user-files.js';

export type InstanceConfig = Static<typeof InstanceConfigSchema>;

/** The names an `instances:` entry stands for: `name`, or `name-1` … `name-N` with count N (as `run --count`). */
export function declaredNames(entry: InstanceConfig): string[] {
  const count = entry.count ?? 1;
  return count === 1 ? [entry.name] : Array.from({ length: count }, (_, i) => `${entry.name}-${i + 1}`);
}

/** An image given as a path (has a `/` or a disk suffix) is relative to minicloud.yaml's directory. */
export function imageArgument(image: string, baseDir: string): string {
  const looksLikePath = image.includes('/') || /\.(qcow2|raw|img)$/.test(image);
  return looksLikePath && !isAbsolute(image) ? resolve(baseDir, image) : image;
}

/**
 * minicloud.yaml `instances:` → the launches that bring the cloud to it: one launch per entry whose
 * instances are all missing (one reservation, launch indexes 0…N-1), one per missing name otherwise.
 * Existing instances are left as they are (`up` never deletes; `minicloud delete` does). Fields left out
 * take the cloud's launch defaults. Reads the user-data and key files (relative to `configDir`);
 * throws MC_ERR_FILE_UNREADABLE / MC_ERR_BAD_SIZE with the file's path.
 */
export function declaredLaunches(entries: readonly InstanceConfig[], existingNames: ReadonlySet<string>, configDir: string): LaunchInput[] {
  const launches: LaunchInput[] = [];
  for (const entry of entries) {
    const names = declaredNames(entry);
    const missing = names.filter((n) => !existingNames.has(n));
    if (missing.length === 0) continue;
    const base: LaunchInput = {
      image: imageArgument(entry.image, configDir),
      name: entry.name,
      count: names.length,
      userData: entry.userData === undefined ? [] : [readInputFile(resolve(configDir, entry.userData))],
      meta: { ...(entry.meta ?? {}) },
      sshKeys: entry.sshKey === undefined ? [] : [readPublicKey(resolve(configDir, entry.sshKey))],
      ip: entry.ip ?? null,
      removeOnExit: false,
      ...(entry.cpus !== undefined ? { cpus: entry.cpus } : {}),
      ...(entry.memory !== undefined ? { memoryMiB: parseMemoryMiB(entry.memory, `instances ${entry.name}: memory`) } : {}),
      ...(entry.disk !== undefined ? { diskBytes: parseSize(entry.disk, `instances ${entry.name}: disk`) } : {}),
      ...(entry.datasource !== undefined ? { datasource: entry.datasource } : {}),
      ...(entry.imdsv2 !== undefined ? { imdsv2: entry.imdsv2 } : {}),
    };
    if (missing.length === names.length) launches.push(base);
    else for (const name of missing) launches.push({ ...base, name, count: 1 });
  }
  return launches;
}
