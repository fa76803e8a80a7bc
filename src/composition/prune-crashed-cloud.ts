import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pruneNetwork } from '../adapters/network/linux/prune-network.js';
import { emptyCrashedCloudReport, type CrashedCloudPruneReport } from './crashed-cloud-report.js';
import { openSqliteStore } from '../adapters/store/sqlite/open-sqlite-store.js';
import type { CloudLayout } from '../config/minicloud-config.js';
import { tapPrefix } from '../core/guest-spec.js';
import { initialStageState } from '../core/stage-tracker.js';
import { NetlinkLinks } from '../adapters/network/linux/netlink-links.js';
import { stopPrivateLibvirtd } from '../adapters/hypervisor/libvirt/private-libvirtd.js';
import { waitUntilGone } from '../adapters/hypervisor/qemu/guest-process.js';
import { SqliteControllerStore } from '../adapters/store/sqlite/sqlite-controller-store.js';
import { endCloudSshClients, endHomeProcesses, findHomeGuests, procStrayGuestFinder, qemuGone } from '../adapters/hypervisor/stray-guests.js';
import { isMinicloudError } from '../errors/catalogue.js';
import type { StrayGuest } from '../ports/stray-guests.js';

/**
 * `minicloud prune` when no controller answers: removes everything a crashed run of this cloud left in
 * this network namespace, as `down` would have — its QEMU processes (tagged ones here, and any whose
 * command line names the home), the crashed controller's ssh clients, its private libvirtd and
 * virtlogd, its taps, the network plane's leftovers (pruneNetwork, by tags), driver state, overlays and
 * console logs, the stale socket and pid file — and resets the recorded instances so the next `up`
 * boots them afresh. Everything reported was checked to be gone; what survived is listed in `left`.
 * The records, the request log (state.db) and the cloud's ssh keypair are kept. MUST succeed when
 * nothing is left. The namespace itself is the caller's (src/cli/commands/prune.ts).
 */
export async function pruneCrashedCloud(opts: { layout: CloudLayout; cloudId: string; now?: () => number }): Promise<CrashedCloudPruneReport> {
  const { layout, cloudId } = opts;
  const report = emptyCrashedCloudReport();
  const { left } = report;
  const finder = procStrayGuestFinder;

  // The private libvirtd first: it may still be starting a guest the dead controller asked for, and
  // ending QEMUs before it stops could miss that one. Its guests keep running when it stops.
  const libvirtRoot = join(layout.home, 'libvirt');
  await collect(left, async () => report.processes.push(...(await stopPrivateLibvirtd(libvirtRoot))));
  const guests = new Map<number, StrayGuest>();
  for (const g of [...(await finder.find(cloudId)), ...(await findHomeGuests(cloudId, layout.home))]) guests.set(g.pid, g);
  for (const guest of guests.values()) {
    await finder.end(guest);
    const gone = await waitUntilGone(async () => !(await qemuGone(guest.pid, guest.name)), 10_000);
    if (gone) report.processes.push(`${guest.name} (pid ${guest.pid})`);
    else left.push(`QEMU ${guest.name} (pid ${guest.pid}) is still running`);
  }
  const ssh = await endCloudSshClients(layout.sshKeyPath);
  report.processes.push(...ssh.ended);
  left.push(...ssh.left.map((p) => `${p} survived SIGKILL`));

  await collect(left, async () => {
    const taps = await removeTaps(tapPrefix(cloudId));
    report.taps.push(...taps.gone);
    left.push(...taps.left.map((t) => `tap ${t} is still there`));
  });
  await collect(left, async () => {
    report.network = await pruneNetwork({ cloudId, stateDirs: [layout.networkDir] });
  });
  if (left.length > 0) return report;
  // Anything else of the cloud still running (a qemu-img or xorriso the controller had started) would
  // write into the directories about to go.
  const helpers = await endHomeProcesses(layout.home);
  report.processes.push(...helpers.ended);
  left.push(...helpers.left.map((p) => `${p} survived SIGKILL`));
  if (left.length > 0) return report;

  const instanceDirs = existsSync(layout.instancesDir) ? (await readdir(layout.instancesDir)).map((d) => join(layout.instancesDir, d)) : [];
  // An explicit list: state.db (records and request log), ssh/, minicloud.yaml and controller.log stay.
  const files = [libvirtRoot, join(layout.home, 'guests'), ...instanceDirs, layout.socketPath, layout.pidPath].filter((p) => existsSync(p));
  for (const path of files) {
    // A failure to remove is reported as a leftover, like any other.
    const failure = await rm(path, { recursive: true, force: true }).then(() => null, (err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (failure !== null) left.push(`cannot remove ${path}: ${failure}`);
    else if (existsSync(path)) left.push(`${path} is still there`);
    else report.files.push(path);
  }
  if (left.length > 0) return report;

  if (existsSync(layout.databasePath)) {
    // Applies migrations an older run may lack. Nothing is logged through it, so a log write cannot fail.
    openSqliteStore({ path: layout.databasePath, requestLog: { onFlushError: (err) => { throw err; } } }).close();
    const rows = new SqliteControllerStore(layout.databasePath);
    try {
      const now = (opts.now ?? Date.now)();
      for (const row of rows.list()) {
        if (row.desired === 'deleted') continue; // the next reconcile forgets it
        rows.put(row.removeOnExit ? { ...row, desired: 'deleted' } : { ...row, accelerator: null, failure: null, stages: initialStageState(now) });
        report.instancesReset += 1;
      }
    } finally {
      rows.close();
    }
  }
  return report;
}

/** Runs one removal step; a coded failure becomes a leftover line so the other steps still run. */
async function collect(left: string[], step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    if (!isMinicloudError(err)) throw err;
    left.push(err.message);
  }
}

/**
 * The cloud's taps in this namespace: a tap goes when the QEMU holding it has fully exited, which can
 * lag the signal (libvirt reaps its QEMUs itself); wait a little, then delete what is left and list
 * again, so only taps that are really gone are reported.
 */
async function removeTaps(prefix: string): Promise<{ gone: string[]; left: string[] }> {
  const links = new NetlinkLinks();
  try {
    const ours = async () => (await links.listLinks()).filter((l) => l.name.startsWith(prefix) && l.kind !== 'bridge');
    const found = (await ours()).map((l) => l.name);
    const deadline = Date.now() + 10_000;
    while ((await ours()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    for (const link of await ours()) await links.deleteLink(link);
    const remaining = new Set((await ours()).map((l) => l.name));
    return { gone: found.filter((t) => !remaining.has(t)), left: [...remaining] };
  } finally {
    links.close();
  }
}
