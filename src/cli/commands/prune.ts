import type { OptionsOf, pruneCommand } from '../command-flags.js';
import { spawn } from 'node:child_process';
import { Value } from '@sinclair/typebox/value';
import { findCloudProcesses } from '../../adapters/hypervisor/stray-guests.js';
import { deleteNetnsIfEmpty, netnsInode } from '../../adapters/network/linux/named-netns.js';
import { cloudSettings, loadMinicloudConfig, type CloudLayout } from '../../config/minicloud-config.js';
import { clearNetnsRecord, readNetnsRecord, type NetnsRecord } from '../../config/netns-record.js';
import { CrashedCloudPruneReportSchema, type CrashedCloudPruneReport } from '../../composition/crashed-cloud-report.js';
import { errors, isMinicloudError } from '../../errors/catalogue.js';
import { cliCloud, out } from './cli-context.js';
import { inNetns } from './ssh.js';

export type PruneOptions = OptionsOf<typeof pruneCommand>;

/**
 * Set by the prune that runs on the host for the prune it starts inside the cloud's namespace: that
 * one prints its report as JSON on stdout for the first to merge, and leaves the namespace alone.
 */
const IN_NETNS_HALF = 'MINICLOUD_PRUNE_IN_NETNS';

/**
 * `minicloud prune`: with a running controller, it removes orphan guests, failed instances, stray tagged
 * QEMUs and unowned instance directories. Without one (a crashed run), it removes everything the run
 * left (src/composition/prune-crashed-cloud.ts) inside the namespace the cloud ran in — `--netns NAME`,
 * else the one `up --netns` recorded in MINICLOUD_HOME — then deletes that namespace if minicloud
 * created it. It reports only what it saw gone; anything still there is MC_ERR_PRUNE_INCOMPLETE.
 */
export async function runPrune(opts: PruneOptions): Promise<void> {
  const { client, layout } = cliCloud();
  if (process.env[IN_NETNS_HALF] === '1') {
    out(JSON.stringify(await pruneHere(layout, opts)));
    return;
  }
  let online;
  try {
    online = await client.prune();
  } catch (err) {
    if (!isMinicloudError(err) || err.code !== errors.controllerNotRunning.code) throw err;
    online = null;
  }
  if (online) {
    if (opts.json) out(JSON.stringify(online));
    else out(`removed ${online.orphans.length} orphan guest(s), ${online.failed.length} failed instance(s), ${online.processes.length} stray QEMU process(es), ${online.files.length} unowned instance dir(s)${[...online.orphans, ...online.failed, ...online.processes].map((x) => `\n  ${x}`).join('')}`);
    return;
  }
  if (process.getuid?.() !== 0) throw errors.needsRoot('minicloud prune (no controller is running: cleaning up a crashed run)');
  const cloudId = cloudIdOf(layout, opts);
  const recorded = readNetnsRecord(layout.netnsRecordPath);
  const netns = opts.netns ?? recorded?.name ?? null;

  // A namespace that is gone took its links and rules with it; what it held that is still alive is
  // found through the home (pid files, command lines), so the prune then runs here. So it does when the
  // recorded name now is another namespace (made again by someone else): that one is not the cloud's.
  const inode = netns === null ? null : netnsInode(netns);
  const enter = netns !== null && inode !== null && !inNetns(netns) && (opts.netns !== undefined || recorded?.inode === inode);
  const report = enter ? await pruneInNetns(netns) : await pruneHere(layout, opts);
  const namespace = netns === null ? null : await settleNamespace(layout, netns, recorded, report);
  // The cloud's programs run nowhere any more (in no namespace): the home names them all.
  for (const p of await findCloudProcesses(layout.home)) report.left.push(`${p.cmdline.slice(0, 100)} (pid ${p.pid}) is still running`);

  if (opts.json) out(JSON.stringify({ crashedRun: report, netns: namespace }));
  else printReport(report, cloudId, namespace);
  if (report.left.length > 0) throw errors.pruneIncomplete(report.left.join('; '));
}

function cloudIdOf(layout: CloudLayout, opts: PruneOptions): string {
  const config = loadMinicloudConfig(opts.config ?? layout.configPath, { optional: opts.config === undefined });
  return cloudSettings(config, {}, process.env, layout.home).cloudId;
}

/** The crashed cloud's leftovers in this process's namespace. */
async function pruneHere(layout: CloudLayout, opts: PruneOptions): Promise<CrashedCloudPruneReport> {
  const { pruneCrashedCloud } = await import('../../composition/prune-crashed-cloud.js');
  return pruneCrashedCloud({ layout, cloudId: cloudIdOf(layout, opts) });
}

/** Runs this same command inside the cloud's network namespace (where its bridge and rules are) and reads its report. */
async function pruneInNetns(name: string): Promise<CrashedCloudPruneReport> {
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--netns' && all[i - 1] !== '--netns' && !a.startsWith('--netns=') && a !== '--json');
  const argv = ['netns', 'exec', name, process.execPath, ...process.execArgv, process.argv[1] ?? 'minicloud', ...args];
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
    const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MINICLOUD_NETNS: name, [IN_NETNS_HALF]: '1' } });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (c) => resolve({ code: c ?? 1, stdout: text }));
  });
  // The half inside printed its own error (stderr is shared); the namespace stays for the next try.
  if (code !== 0) throw errors.pruneIncomplete(`the prune inside netns ${name} failed (exit ${code}); the namespace was kept`);
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch (err) {
    throw errors.pruneIncomplete(`the prune inside netns ${name} printed no report: ${stdout.slice(0, 200)}`).causedBy(err);
  }
  if (!Value.Check(CrashedCloudPruneReportSchema, report)) throw errors.pruneIncomplete(`the prune inside netns ${name} printed no report: ${stdout.slice(0, 200)}`);
  return report;
}

/**
 * Deletes the namespace when minicloud created it (netns.json says so, and it is still that namespace)
 * and the prune left nothing in it; then forgets the record. Returns a line for the report.
 */
async function settleNamespace(layout: CloudLayout, netns: string, recorded: NetnsRecord | null, report: CrashedCloudPruneReport): Promise<string> {
  if (recorded?.name !== netns) return `netns ${netns} kept (minicloud did not create it)`;
  if (report.left.length > 0) return `netns ${netns} kept until the rest is removed`;
  if (!recorded.created) {
    clearNetnsRecord(layout.netnsRecordPath, netns);
    return `netns ${netns} kept (it existed before \`up\`)`;
  }
  const deletion = await deleteNetnsIfEmpty(netns, recorded.inode, [process.pid]);
  if (deletion.outcome === 'busy') {
    report.left.push(`netns ${netns} still holds processes minicloud did not start: ${deletion.processes.map((p) => `${p.cmdline.slice(0, 60)} (pid ${p.pid})`).join(', ')}`);
    return `netns ${netns} kept`;
  }
  clearNetnsRecord(layout.netnsRecordPath, netns);
  if (deletion.outcome === 'replaced') return `netns ${netns} kept (it is no longer the namespace minicloud created)`;
  return deletion.outcome === 'deleted' ? `netns ${netns} deleted (minicloud created it for \`up --netns\`)` : `netns ${netns} was already gone`;
}

function printReport(report: CrashedCloudPruneReport, cloudId: string, namespace: string | null): void {
  const n = report.network;
  out(`no controller is running: cleaned up what a crashed run of cloud ${cloudId} left`);
  const ended = [...report.processes, ...n.processes.map((pid) => `dnsmasq (pid ${pid})`)];
  out(`  ended ${ended.length} process(es)${ended.length > 0 ? `: ${ended.join(', ')}` : ''}`);
  out(`  removed ${report.taps.length} tap(s), ${n.links.length} bridge(s), ${n.iptablesEntries} iptables entr(y/ies), ${n.nftTables} nft table(s), ${report.files.length + n.files.length} file(s)/dir(s)`);
  if (report.left.length === 0) out(`  ${report.instancesReset} recorded instance(s) reset: the next \`minicloud up\` boots them afresh`);
  if (namespace !== null) out(`  ${namespace}`);
}
