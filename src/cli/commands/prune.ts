import { spawn } from 'node:child_process';
import { cloudSettings, loadMinicloudConfig } from '../../config/minicloud-config.js';
import { errors, isMinicloudError } from '../../errors/catalogue.js';
import { cliCloud, out } from './cli-context.js';
import { inNetns } from './ssh.js';

export interface PruneOptions {
  json?: boolean;
  netns?: string;
  config?: string;
}

/**
 * `minicloud prune`: with a running controller, it removes orphan guests, failed instances, stray tagged
 * QEMUs and unowned instance directories. Without one (a crashed run), it removes everything the run
 * left (src/composition/prune-crashed-cloud.ts), inside `--netns NAME` when the cloud lived there.
 */
export async function runPrune(opts: PruneOptions): Promise<void> {
  const { client, layout } = cliCloud();
  if (opts.netns && !inNetns(opts.netns)) return reexecInNetns(opts.netns);
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
  const config = loadMinicloudConfig(opts.config ?? layout.configPath, { optional: opts.config === undefined });
  const { cloudId } = cloudSettings(config, {}, process.env, layout.home);
  const { pruneCrashedCloud } = await import('../../composition/prune-crashed-cloud.js');
  const report = await pruneCrashedCloud({ layout, cloudId });
  if (opts.json) out(JSON.stringify({ crashedRun: report }));
  else {
    const n = report.network;
    out(`no controller is running: cleaned up what a crashed run of cloud ${cloudId} left${opts.netns ? ` in netns ${opts.netns}` : ''}`);
    out(`  ${report.processes.length} QEMU process(es), ${report.taps.length} tap(s), ${n.processes.length} dnsmasq, ${n.links.length} bridge(s), ${n.iptablesEntries} iptables entr(y/ies), ${n.nftTables} nft table(s), ${report.files.length + n.files.length} file(s)/dir(s)`);
    out(`  ${report.instancesReset} recorded instance(s) reset: the next \`minicloud up\` boots them afresh`);
  }
}

/** Runs this same command inside the cloud's network namespace (where its bridge and rules are). */
async function reexecInNetns(name: string): Promise<void> {
  if (process.getuid?.() !== 0) throw errors.needsRoot('minicloud prune --netns');
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--netns' && all[i - 1] !== '--netns' && !a.startsWith('--netns='));
  process.exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', name, process.execPath, ...process.execArgv, process.argv[1] ?? 'minicloud', ...args], { stdio: 'inherit', env: { ...process.env, MINICLOUD_NETNS: name } });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}
