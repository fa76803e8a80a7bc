import { mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `text` to `path` through a temporary file and rename, so dnsmasq (reading it as it starts) never sees
 * half a file. Returns false when the file already had exactly this content (nothing written).
 * Mode 0644: dnsmasq reads its hosts files after dropping root (as user `dnsmasq`).
 */
export async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const current = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (current === text) return false;
  const tmp = join(dirname(path), `.${Date.now()}-${process.pid}.tmp`);
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, path);
  return true;
}

/** Creates the state directory (0755, so dnsmasq's user can traverse it); true if it did not exist. */
export async function ensureStateDir(dir: string): Promise<boolean> {
  const first = await mkdir(dir, { recursive: true, mode: 0o755 });
  return first !== undefined;
}

/** Removes these files; returns the ones that existed. */
export async function removeFiles(paths: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const path of paths) {
    const existed = await rm(path).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      },
    );
    if (existed) removed.push(path);
  }
  return removed;
}

/** Removes the directory if it is empty; a non-empty or missing directory is left as it is. */
export async function removeDirIfEmpty(dir: string): Promise<void> {
  await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'ENOENT' && err.code !== 'EEXIST') throw err;
  });
}
