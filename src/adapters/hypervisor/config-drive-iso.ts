import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { InstanceRecord } from '../../domain/instance.js';
import { errors } from '../../errors/catalogue.js';
import { CONFIG_DRIVE_LABEL, configDriveFiles } from './config-drive-layout.js';
import { runTool, ToolFailure } from './run-tool.js';

/** xorriso's mkisofs emulation: ISO 9660 with Rock Ridge and Joliet, labelled `config-2` (what Nova writes). */
export function configDriveIsoArgv(isoPath: string, sourceDir: string): string[] {
  return ['-as', 'mkisofs', '-quiet', '-o', isoPath, '-V', CONFIG_DRIVE_LABEL, '-r', '-J', sourceDir];
}

/**
 * Writes the `config-2` ISO for an instance (datasource `configdrive`) from the same metadata model the
 * metadata server serves. Overwrites `isoPath`. The staging directory is removed afterwards.
 */
export async function writeConfigDrive(record: InstanceRecord, isoPath: string, ctx: { projectId: string }, xorriso = 'xorriso'): Promise<void> {
  const staging = await mkdtemp(join(tmpdir(), 'mc-config-drive-'));
  try {
    for (const file of configDriveFiles(record, ctx)) {
      const target = join(staging, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    await mkdir(dirname(isoPath), { recursive: true });
    await rm(isoPath, { force: true });
    await runTool(xorriso, configDriveIsoArgv(isoPath, staging)).catch((err: unknown) => {
      throw errors.configDriveFailed(isoPath, err instanceof ToolFailure ? err.stderr.trim() : String(err)).causedBy(err);
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
