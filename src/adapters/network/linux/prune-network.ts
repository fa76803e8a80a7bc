import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errors } from '../../../errors/catalogue.js';
import { LINK_LOCAL_TABLES, networkNames, TAG_PREFIX } from '../network-names.js';
import { dnsmasqPaths } from './dnsmasq-config.js';
import { liveArgv, netnsOf, readPidFile } from './foreign-process.js';
import { buildIptablesCleanup } from './iptables-rules.js';
import { removeIptables } from './iptables-firewall.js';
import { ip6tablesSave, removeIp6tables } from './ip6tables-firewall.js';
import { NetlinkLinks } from './netlink-links.js';
import { listAntispoofTables, removeAntispoof } from './nft-antispoof.js';
import { runTool } from './run-tool.js';
import { removeDirIfEmpty, removeFiles } from './state-files.js';

export interface PruneReport {
  /** Bridges deleted (found by their `minicloud:<id>` alias). */
  links: string[];
  /** iptables and ip6tables rules and chains deleted (found by comment tag and chain name). */
  iptablesEntries: number;
  /** nftables anti-spoofing tables deleted. */
  nftTables: number;
  /** dnsmasq processes ended. */
  processes: number[];
  files: string[];
}

/**
 * Removes what a crashed run left in THIS network namespace, found by tags alone: bridges aliased
 * `minicloud:<cloudId>`, iptables rules commented with the tag and `MC-<cloudId>-*` chains, the
 * `bridge minicloud-<cloudId>` nft table, policy-routing rules to the cloud's link-local table, dnsmasq processes whose config starts with the tag (and the
 * one named by a given state directory's pid file, wherever it runs), and the state files of the given
 * state directories and of those processes. `cloudId` null prunes every cloud here.
 *
 * The report lists only what was checked to be gone afterwards: each dnsmasq is watched until it has
 * exited, and links, rules and tables are listed again. What is still there is not reported but thrown
 * as MC_ERR_PRUNE_INCOMPLETE naming each leftover, after every step has been tried; the state files
 * stay then (a surviving dnsmasq is found again through them). Safe to run at any time for a cloud that
 * is not running; MUST succeed when nothing is left.
 */
export async function pruneNetwork(opts: { cloudId: string | null; stateDirs?: string[] }): Promise<PruneReport> {
  const tagMatches = (text: string | null): boolean =>
    text !== null && (opts.cloudId === null ? text.startsWith(TAG_PREFIX) : text === `${TAG_PREFIX}${opts.cloudId}`);
  const report: PruneReport = { links: [], iptablesEntries: 0, nftTables: 0, processes: [], files: [] };
  const left: string[] = [];
  const stateDirs = new Set(opts.stateDirs ?? []);

  // dnsmasq first, so nothing answers DHCP on a bridge that is about to go.
  const dnsmasqs = new Map<number, string>();
  for (const dir of stateDirs) {
    const { pid, config } = dnsmasqPaths(dir);
    const found = await readPidFile(pid);
    if (found !== null && (await isDnsmasqOf(found, config))) dnsmasqs.set(found, config);
  }
  for (const found of await findTaggedDnsmasq(tagMatches)) {
    dnsmasqs.set(found.pid, found.config);
    stateDirs.add(dirname(found.config));
  }
  for (const [pid, config] of dnsmasqs) {
    if (await endVerified(pid, () => isDnsmasqOf(pid, config))) report.processes.push(pid);
    else left.push(`dnsmasq (pid ${pid}) survived SIGKILL`);
  }

  await attempt(left, 'nft anti-spoofing table', async () => {
    const removed = await removeAntispoof(opts.cloudId);
    const remaining = await listAntispoofTables(opts.cloudId);
    report.nftTables = Math.max(0, removed - remaining.length);
    for (const table of remaining) left.push(`nft table bridge ${table} is still there`);
  });
  await attempt(left, 'iptables rules', async () => {
    const removed = await removeIptables(opts.cloudId);
    const remaining = buildIptablesCleanup((await runTool('iptables-save', [])).stdout, opts.cloudId);
    if (remaining === null) report.iptablesEntries = removed;
    else left.push(`iptables rules or chains of the cloud are still there (\`iptables-save | grep minicloud\`)`);
  });
  await attempt(left, 'ip6tables rules', async () => {
    const removed = await removeIp6tables(opts.cloudId);
    if (buildIptablesCleanup(await ip6tablesSave(), opts.cloudId) === null) report.iptablesEntries += removed;
    else left.push(`ip6tables rules or chains of the cloud are still there (\`ip6tables-save | grep minicloud\`)`);
  });
  await attempt(left, 'policy-routing rules', async () => {
    const links = new NetlinkLinks();
    try {
      const ours = (table: number): boolean =>
        opts.cloudId === null ? table >= LINK_LOCAL_TABLES.first && table < LINK_LOCAL_TABLES.first + LINK_LOCAL_TABLES.count : table === networkNames(opts.cloudId).linkLocalTable;
      // Not counted in the report (its shape is `prune --json`'s): a rule left is a leftover like any other.
      await links.deleteRulesTo(ours);
      for (const r of (await links.listRules()).filter((rule) => ours(rule.table))) left.push(`ip rule to table ${r.table} is still there`);
    } finally {
      links.close();
    }
  });
  await attempt(left, 'bridges', async () => {
    const links = new NetlinkLinks();
    try {
      const ours = async () => (await links.listLinks()).filter((l) => l.kind === 'bridge' && tagMatches(l.alias));
      const found = await ours();
      for (const link of found) await links.deleteLink(link);
      const remaining = new Set((await ours()).map((l) => l.name));
      report.links.push(...found.map((l) => l.name).filter((name) => !remaining.has(name)));
      for (const name of remaining) left.push(`bridge ${name} is still there`);
    } finally {
      links.close();
    }
  });

  if (left.length > 0) throw errors.networkPruneIncomplete(left.join('; '));
  for (const dir of stateDirs) {
    const p = dnsmasqPaths(dir);
    report.files.push(...(await removeFiles([p.config, p.dhcpHosts, p.dnsHosts, p.leases, p.pid, p.log])));
    await removeDirIfEmpty(dir);
  }
  return report;
}

/** Runs one removal step; a failure becomes a leftover line instead of stopping the other steps. */
async function attempt(left: string[], what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    left.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Whether `pid` is a live dnsmasq started with this config file (guards against a reused pid). */
async function isDnsmasqOf(pid: number, config: string): Promise<boolean> {
  const argv = await liveArgv(pid);
  return argv !== null && argv.includes(`--conf-file=${config}`);
}

/** SIGTERM, SIGKILL after 3 s; true once `alive()` is false, false if it still is 5 s after SIGKILL. */
async function endVerified(pid: number, alive: () => Promise<boolean>): Promise<boolean> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  const waitGone = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (await alive()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  };
  signal('SIGTERM');
  if (await waitGone(3000)) return true;
  signal('SIGKILL');
  return waitGone(5000);
}

/** dnsmasq processes in this network namespace whose --conf-file starts with a matching minicloud tag. */
async function findTaggedDnsmasq(tagMatches: (tag: string | null) => boolean): Promise<{ pid: number; config: string }[]> {
  const ownNetns = await netnsOf('self');
  const found: { pid: number; config: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const argv = await liveArgv(pid);
    if (argv === null || !/(^|\/)dnsmasq$/.test(argv[0] ?? '')) continue;
    const config = argv.find((a) => a.startsWith('--conf-file='))?.slice('--conf-file='.length);
    if (config === undefined || (await netnsOf(pid)) !== ownNetns) continue;
    const firstLine = await readFile(config, 'utf8').then(
      (text) => text.split('\n')[0] ?? '',
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EACCES') return '';
        throw err;
      },
    );
    // The config's first line is `# minicloud:<cloudId> dnsmasq for bridge …` (buildDnsmasqConfig).
    const tag = /^# (minicloud:[a-z0-9-]+) /.exec(firstLine)?.[1] ?? null;
    if (tagMatches(tag)) found.push({ pid, config });
  }
  return found;
}
