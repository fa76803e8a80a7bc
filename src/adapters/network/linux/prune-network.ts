import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TAG_PREFIX } from '../network-names.js';
import { dnsmasqPaths } from './dnsmasq-config.js';
import { endStaleDnsmasq } from './dnsmasq-supervisor.js';
import { endProcess, liveArgv, netnsOf } from './foreign-process.js';
import { removeIptables } from './iptables-firewall.js';
import { NetlinkLinks } from './netlink-links.js';
import { removeAntispoof } from './nft-antispoof.js';
import { removeDirIfEmpty, removeFiles } from './state-files.js';

export interface PruneReport {
  /** Bridges deleted (found by their `minicloud:<id>` alias). */
  links: string[];
  /** iptables rules and chains deleted (found by comment tag and chain name). */
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
 * `bridge minicloud-<cloudId>` nft table, dnsmasq processes whose config starts with the tag, and the state
 * files of the given state directories and of those processes. `cloudId` null prunes every cloud here.
 * Safe to run at any time for a cloud that is not running; MUST succeed when nothing is left.
 */
export async function pruneNetwork(opts: { cloudId: string | null; stateDirs?: string[] }): Promise<PruneReport> {
  const tagMatches = (text: string | null): boolean =>
    text !== null && (opts.cloudId === null ? text.startsWith(TAG_PREFIX) : text === `${TAG_PREFIX}${opts.cloudId}`);
  const report: PruneReport = { links: [], iptablesEntries: 0, nftTables: 0, processes: [], files: [] };
  const stateDirs = new Set(opts.stateDirs ?? []);

  // dnsmasq first, so nothing answers DHCP on a bridge that is about to go.
  for (const dir of stateDirs) {
    const pid = await endStaleDnsmasq(dnsmasqPaths(dir));
    if (pid !== null) report.processes.push(pid);
  }
  for (const found of await findTaggedDnsmasq(tagMatches)) {
    await endProcess(found.pid);
    report.processes.push(found.pid);
    stateDirs.add(dirname(found.config));
  }

  report.nftTables = await removeAntispoof(opts.cloudId);
  report.iptablesEntries = await removeIptables(opts.cloudId);

  const links = new NetlinkLinks();
  try {
    for (const link of await links.listLinks()) {
      if (link.kind === 'bridge' && tagMatches(link.alias)) {
        await links.deleteLink(link);
        report.links.push(link.name);
      }
    }
  } finally {
    links.close();
  }

  for (const dir of stateDirs) {
    const p = dnsmasqPaths(dir);
    report.files.push(...(await removeFiles([p.config, p.dhcpHosts, p.dnsHosts, p.leases, p.pid, p.log])));
    await removeDirIfEmpty(dir);
  }
  return report;
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
