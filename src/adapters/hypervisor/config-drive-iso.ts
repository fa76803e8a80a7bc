import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { InstanceRecord } from '../../domain/instance.js';
import { errors } from '../../errors/catalogue.js';
import { CONFIG_DRIVE_LABEL, configDriveFiles } from './config-drive-layout.js';
import { runTool, ToolFailure } from './run-tool.js';

/** xorriso's mkisofs emulation: ISO 9660 with Rock Ridge and Joliet, labelled `config-2` (what Nova writes). */
export function configDriveIsoArgv(isoPath: string, sourceDir: string): string[] {
  return isoArgv(isoPath, CONFIG_DRIVE_LABEL, sourceDir);
}

function isoArgv(isoPath: string, label: string, sourceDir: string): string[] {
  return ['-as', 'mkisofs', '-quiet', '-o', isoPath, '-V', label, '-r', '-J', sourceDir];
}

/**
 * Writes the `config-2` ISO for an instance (datasource `configdrive`) from the same metadata model the
 * metadata server serves. Overwrites `isoPath`.
 */
export async function writeConfigDrive(record: InstanceRecord, isoPath: string, ctx: { projectId: string }, xorriso = 'xorriso'): Promise<void> {
  await writeIsoImage(configDriveFiles(record, ctx), CONFIG_DRIVE_LABEL, isoPath, xorriso);
}

/**
 * Writes `files` into an ISO 9660 image (Rock Ridge, Joliet) labelled `label` at `isoPath`, overwriting
 * it. The staging directory is removed afterwards. Throws MC_ERR_CONFIG_DRIVE_FAILED when xorriso fails.
 */
export async function writeIsoImage(files: readonly { path: string; content: Uint8Array }[], label: string, isoPath: string, xorriso = 'xorriso'): Promise<void> {
  const staging = await mkdtemp(join(tmpdir(), 'mc-iso-'));
  try {
    for (const file of files) {
      const target = join(staging, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    await mkdir(dirname(isoPath), { recursive: true });
    await rm(isoPath, { force: true });
    await runTool(xorriso, isoArgv(isoPath, label, staging)).catch((err: unknown) => {
      throw errors.configDriveFailed(isoPath, err instanceof ToolFailure ? err.stderr.trim() : String(err)).causedBy(err);
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
