import { rm } from 'node:fs/promises';
import type { GuestSpec } from '../../ports/hypervisor.js';
import { removeOverlay } from './overlay-disk.js';

/**
 * Everything a guest owns on disk: overlay, config drive, provisioning CD, console log, run directory. `undefine` removes
 * exactly these (never the base image). Collects every failure instead of stopping at the first.
 */
export async function removeGuestFiles(spec: GuestSpec): Promise<void> {
  const results = await Promise.allSettled([
    removeOverlay(spec.disk.overlayPath),
    spec.configDrivePath ? rm(spec.configDrivePath, { force: true }) : Promise.resolve(),
    spec.cdromPath ? rm(spec.cdromPath, { force: true }) : Promise.resolve(),
    rm(spec.consoleLogPath, { force: true }),
    rm(spec.runDir, { recursive: true, force: true }),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw new AggregateError(failures, `removing the files of ${spec.name}`);
}
