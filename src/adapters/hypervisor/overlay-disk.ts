import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errors } from '../../errors/catalogue.js';
import type { GuestSpec } from '../../ports/hypervisor.js';
import { runTool, ToolFailure } from './run-tool.js';

type DiskSpec = GuestSpec['disk'];

/**
 * `qemu-img` argv that creates the instance overlay: qcow2 over the read-only base, optionally with a
 * larger virtual size. Pure. The base path is made absolute because qemu-img resolves a relative
 * backing path against the overlay's directory.
 */
export function overlayCreateArgv(disk: DiskSpec): string[] {
  const argv = ['create', '-q', '-f', 'qcow2', '-F', disk.baseFormat, '-b', resolve(disk.basePath), disk.overlayPath];
  if (disk.sizeBytes !== null) argv.push(String(disk.sizeBytes));
  return argv;
}

/**
 * Makes sure the overlay exists over the right base. Idempotent: an existing overlay whose backing file
 * is this base is kept as is (the guest's writes survive a redefine). The base is only ever read.
 */
export async function ensureOverlay(disk: DiskSpec, qemuImg = 'qemu-img'): Promise<void> {
  const info = await overlayInfo(disk.overlayPath, qemuImg);
  if (info) {
    if (info.backing === resolve(disk.basePath)) return;
    throw errors.diskToolFailed('create', disk.overlayPath, `exists with backing file ${String(info.backing)}, not ${disk.basePath}`);
  }
  await stat(disk.basePath).catch((err: unknown) => {
    throw errors.diskToolFailed('create', disk.overlayPath, `base image ${disk.basePath} is not readable`).causedBy(err);
  });
  await mkdir(dirname(disk.overlayPath), { recursive: true });
  await runTool(qemuImg, overlayCreateArgv(disk)).catch((err: unknown) => {
    throw errors.diskToolFailed('create', disk.overlayPath, err instanceof ToolFailure ? err.stderr.trim() : String(err)).causedBy(err);
  });
}

/** Virtual size and backing file of an image, or null when there is no file. */
export async function overlayInfo(path: string, qemuImg = 'qemu-img'): Promise<{ virtualSize: number; backing: string | null } | null> {
  const exists = await stat(path).then(() => true, (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return false;
    throw err;
  });
  if (!exists) return null;
  // -U: the guest may hold the image's write lock; reading its header is still safe.
  const { stdout } = await runTool(qemuImg, ['info', '-U', '--output=json', path]).catch((err: unknown) => {
    throw errors.diskToolFailed('info', path, err instanceof ToolFailure ? err.stderr.trim() : String(err)).causedBy(err);
  });
  const parsed = JSON.parse(stdout) as { 'virtual-size': number; 'full-backing-filename'?: string; 'backing-filename'?: string };
  return { virtualSize: parsed['virtual-size'], backing: parsed['full-backing-filename'] ?? parsed['backing-filename'] ?? null };
}

/** Deletes the overlay. MUST succeed if it does not exist. Never touches the base. */
export async function removeOverlay(path: string): Promise<void> {
  await rm(path, { force: true });
}
