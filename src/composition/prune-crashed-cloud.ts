import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pruneNetwork, type PruneReport } from '../adapters/network/linux/prune-network.js';
import { openSqliteStore } from '../adapters/store/sqlite/open-sqlite-store.js';
import type { CloudLayout } from '../config/minicloud-config.js';
import { tapPrefix } from '../core/guest-spec.js';
import { initialStageState } from '../core/stage-tracker.js';
import { NetlinkLinks } from '../adapters/network/linux/netlink-links.js';
import { stopPrivateLibvirtd } from '../adapters/hypervisor/libvirt/private-libvirtd.js';
import { SqliteControllerStore } from '../adapters/store/sqlite/sqlite-controller-store.js';
import { endCloudSshClients, procStrayGuestFinder } from '../adapters/hypervisor/stray-guests.js';
import type { StrayGuestFinder } from '../ports/stray-guests.js';

export interface CrashedCloudPruneReport {
  /** QEMU processes of the cloud, and the crashed controller's ssh clients, ended (name and pid). */
  processes: string[];
  /** The cloud's taps that were still there (gone with their QEMU, or deleted). */
  taps: string[];
  /** The network plane's prune: bridges, rules, nft tables, dnsmasq, its state files. */
  network: PruneReport;
  /** Driver state, overlays, console logs, stale socket and pid file removed. */
  files: string[];
  /** Recorded instances reset to `defined` (they boot afresh at the next `up`); `--rm` ones are dropped then. */
  instancesReset: number;
}

/**
 * `minicloud prune` when no controller answers: removes everything a crashed run of this cloud left in
 * this network namespace, as `down` would have — its tagged QEMU processes, its private libvirtd, the
 * network plane's leftovers (pruneNetwork, by tags), driver state, overlays and console logs, the stale
 * socket and pid file — and resets the recorded instances so the next `up` boots them afresh. The
 * records themselves (and the request log) are kept. MUST succeed when nothing is left.
 */
export async function pruneCrashedCloud(opts: { layout: CloudLayout; cloudId: string; strays?: StrayGuestFinder; now?: () => number }): Promise<CrashedCloudPruneReport> {
  const { layout, cloudId } = opts;
  const finder = opts.strays ?? procStrayGuestFinder;
  const strays = await finder.find(cloudId);
  for (const stray of strays) await finder.end(stray);
  const sshClients = await endCloudSshClients(layout.sshKeyPath);

  const taps = await removeTaps(tapPrefix(cloudId));

  const libvirtRoot = join(layout.home, 'libvirt');
  await stopPrivateLibvirtd(libvirtRoot);
  const network = await pruneNetwork({ cloudId, stateDirs: [layout.networkDir] });

  const instanceDirs = existsSync(layout.instancesDir) ? (await readdir(layout.instancesDir)).map((d) => join(layout.instancesDir, d)) : [];
  const files = [libvirtRoot, join(layout.home, 'guests'), ...instanceDirs, layout.socketPath, layout.pidPath].filter((p) => existsSync(p));
  for (const path of files) await rm(path, { recursive: true, force: true });

  let instancesReset = 0;
  if (existsSync(layout.databasePath)) {
    // Applies migrations an older run may lack. Nothing is logged through it, so a log write cannot fail.
    openSqliteStore({ path: layout.databasePath, requestLog: { onFlushError: (err) => { throw err; } } }).close();
    const rows = new SqliteControllerStore(layout.databasePath);
    try {
      const now = (opts.now ?? Date.now)();
      for (const row of rows.list()) {
        if (row.desired === 'deleted') continue; // the next reconcile forgets it
        rows.put(row.removeOnExit ? { ...row, desired: 'deleted' } : { ...row, accelerator: null, failure: null, stages: initialStageState(now) });
        instancesReset += 1;
      }
    } finally {
      rows.close();
    }
  }
  return { processes: [...strays.map((p) => `${p.name} (pid ${p.pid})`), ...sshClients], taps, network, files, instancesReset };
}

/**
 * The cloud's taps in this namespace: a tap goes when the QEMU holding it has fully exited, which can
 * lag the signal (libvirt reaps its QEMUs itself); wait a little, then delete what is left.
 */
async function removeTaps(prefix: string): Promise<string[]> {
  const links = new NetlinkLinks();
  try {
    const ours = async () => (await links.listLinks()).filter((l) => l.name.startsWith(prefix) && l.kind !== 'bridge');
    const found = (await ours()).map((l) => l.name);
    const deadline = Date.now() + 10_000;
    while ((await ours()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    for (const link of await ours()) await links.deleteLink(link);
    return found;
  } finally {
    links.close();
  }
}
