import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What identifies everything one smoke cloud created. */
export interface CloudFootprint {
  netns: string;
  /** Inode of the netns (`/run/netns/NAME`), to find processes still inside it after it was deleted. */
  netnsInode: number | null;
  cloudId: string;
  bridge: string;
  /** MINICLOUD_HOME of the run: overlays, sockets and process arguments all live under it. */
  home: string;
}

export function netnsInode(netns: string): number | null {
  try {
    return statSync(`/run/netns/${netns}`).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Reads a /proc file of a process that may exit while we look; null when it did. */
function procRead(read: () => string): string | null {
  try {
    return read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') return null;
    throw err;
  }
}

/** Processes (other than this one) inside the cloud's netns or running with a file of its home. */
function strayProcesses(fp: CloudFootprint): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    const ns = procRead(() => readlinkSync(`/proc/${pid}/ns/net`));
    const cmdline = procRead(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    if (cmdline === null) continue;
    const inNetns = fp.netnsInode !== null && ns === `net:[${fp.netnsInode}]`;
    if (inNetns || cmdline.includes(fp.home)) out.push(`process ${pid} (${cmdline.slice(0, 120)})`);
  }
  return out;
}

async function toolOutput(cmd: string, args: string[]): Promise<string> {
  try {
    return (await execFileAsync(cmd, args, { maxBuffer: 32 * 2 ** 20 })).stdout;
  } catch (err) {
    // A tool the host lacks cannot hold a leftover of ours either.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

function overlayFiles(home: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(qcow2|raw|iso|img)$/.test(e.name) || e.isSocket()) out.push(p);
    }
  };
  walk(join(home, 'instances'));
  walk(join(home, 'guests'));
  return out;
}

/**
 * Everything of this cloud still present after teardown: its netns, processes, links and firewall
 * rules in the host's namespace (there should never have been any), overlay disks and sockets.
 * Empty when the run left nothing behind.
 */
export async function findLeftovers(fp: CloudFootprint): Promise<string[]> {
  const found: string[] = [];
  if (existsSync(`/run/netns/${fp.netns}`)) found.push(`netns ${fp.netns}`);
  found.push(...strayProcesses(fp));
  const links = await toolOutput('ip', ['-o', 'link', 'show']);
  for (const line of links.split('\n')) if (line.includes(fp.bridge) || line.includes(fp.cloudId)) found.push(`link in the host namespace: ${line.split(':')[1]?.trim() ?? line}`);
  const rules = `${await toolOutput('iptables-save', [])}\n${await toolOutput('nft', ['list', 'ruleset'])}`;
  for (const line of rules.split('\n')) if (line.includes(fp.cloudId)) found.push(`firewall rule in the host namespace: ${line.trim().slice(0, 120)}`);
  for (const f of overlayFiles(fp.home)) found.push(`file ${f}`);
  if (existsSync(join(fp.home, 'controller.sock'))) found.push(`socket ${join(fp.home, 'controller.sock')}`);
  return found;
}
