import { readdir, readFile } from 'node:fs/promises';
import type { TestNetns } from '../../helpers/netns.js';

export interface Leftovers {
  /** Links tagged minicloud or named like the cloud's bridge. */
  links: string[];
  iptables: string[];
  nft: string[];
  /** Policy-routing rules to a link-local table (`ip rule`). */
  rules: string[];
  dnsmasqPids: number[];
  files: string[];
}

/** Lists everything of a minicloud network plane left in `ns` and `stateDir` (independently of the code under test). */
export async function listLeftovers(ns: TestNetns, stateDir: string, bridge: string): Promise<Leftovers> {
  const links = JSON.parse((await ns.run('ip', ['-j', '-d', 'link', 'show'])).stdout) as { ifname: string; ifalias?: string }[];
  const iptables = (await ns.run('iptables-save', [])).stdout.split('\n').filter((l) => /minicloud|^:MC-/.test(l));
  const nft = (await ns.run('nft', ['list', 'ruleset'])).stdout.split('\n').filter((l) => l.includes('minicloud'));
  const rules = (await ns.run('ip', ['-4', 'rule', 'show'])).stdout.split('\n').filter((l) => l.includes('169.254.0.0/16'));
  const pids = (await ns.run('ip', ['netns', 'pids', ns.name]).catch(() => ({ stdout: '' }))).stdout.split('\n').filter(Boolean);
  const dnsmasqPids: number[] = [];
  for (const pid of pids) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === 'dnsmasq') dnsmasqPids.push(Number(pid));
  }
  const files = await readdir(stateDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return {
    links: links.filter((l) => l.ifalias?.startsWith('minicloud') || l.ifname === bridge).map((l) => l.ifname),
    iptables,
    nft,
    rules,
    dnsmasqPids,
    files,
  };
}

export const NOTHING_LEFT: Leftovers = { links: [], iptables: [], nft: [], rules: [], dnsmasqPids: [], files: [] };
