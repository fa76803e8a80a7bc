import { Type, type Static } from '@sinclair/typebox';

/**
 * What `minicloud prune` did about a crashed cloud (src/composition/prune-crashed-cloud.ts). The prune
 * that runs inside the cloud's namespace prints it as JSON for the prune on the host, which checks it
 * against this schema; `prune --json` prints it as `crashedRun`.
 */
export const CrashedCloudPruneReportSchema = Type.Object({
  /** Processes ended and seen gone: QEMUs, the crashed controller's ssh clients, its libvirt daemons. */
  processes: Type.Array(Type.String()),
  /** The cloud's taps that were still there and are gone now (with their QEMU, or deleted). */
  taps: Type.Array(Type.String()),
  /** The network plane's prune (pruneNetwork): bridges, rules, nft tables, dnsmasq, its state files. */
  network: Type.Object({
    links: Type.Array(Type.String()),
    iptablesEntries: Type.Integer({ minimum: 0 }),
    nftTables: Type.Integer({ minimum: 0 }),
    processes: Type.Array(Type.Integer()),
    files: Type.Array(Type.String()),
  }),
  /** Driver state, overlays, console logs, stale socket and pid file removed. */
  files: Type.Array(Type.String()),
  /** Recorded instances reset to `defined` (they boot afresh at the next `up`); `--rm` ones are dropped then. */
  instancesReset: Type.Integer({ minimum: 0 }),
  /**
   * What could not be removed, one line each. When it is not empty, the files (pid files, overlays of
   * guests that still run) and the records were left as they were, so a later prune finds the rest.
   */
  left: Type.Array(Type.String()),
});
export type CrashedCloudPruneReport = Static<typeof CrashedCloudPruneReportSchema>;

/** The report of a prune that found nothing. */
export function emptyCrashedCloudReport(): CrashedCloudPruneReport {
  return { processes: [], taps: [], network: { links: [], iptablesEntries: 0, nftTables: 0, processes: [], files: [] }, files: [], instancesReset: 0, left: [] };
}
