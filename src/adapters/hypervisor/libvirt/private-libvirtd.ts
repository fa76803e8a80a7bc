import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { errors } from '../../../errors/catalogue.js';
import { readPidFile, signalProcess, waitUntilGone } from '../qemu/guest-process.js';
import { procStatState } from '../../../core/proc-stat.js';

/**
 * A libvirtd owned by one cloud, running inside the cloud's network namespace (so its QEMUs' taps land
 * on the cloud's bridge) and a private mount namespace where libvirt's own directories are the cloud's:
 *
 *   <root>/run        → /run/libvirt          (sockets, live domain status, QEMU pid files)
 *   <root>/var-lib    → /var/lib/libvirt
 *   <root>/var-log    → /var/log/libvirt
 *   <root>/etc-qemu   → /etc/libvirt/qemu     (persistent domain definitions: never mixed with the host's)
 *   <root>/qemu.conf  → /etc/libvirt/qemu.conf (QEMU as root, no relabelling, no namespaces)
 *
 * /var/cache/libvirt stays shared with the host: the QEMU capabilities cache is keyed by binary and
 * saves ~8 s on every daemon's first connection. See docs/hypervisors.md for why this design.
 */
export interface PrivateLibvirtd {
  /** `qemu+unix:///system?socket=<root>/run/libvirt-sock`: pass to LibvirtHypervisor. */
  uri: string;
  /** Where this daemon writes `<domain>.pid` (host view). */
  pidDir: string;
  /** libvirtd's pid, if known. */
  pid: number | null;
}

export interface PrivateLibvirtdOptions {
  /** The daemon's root; keep it short (the socket path must fit in 107 bytes). */
  root: string;
  /** The cloud's network namespace (`ip netns` name), or null for the current one. */
  netns: string | null;
  startTimeoutMs?: number;
}

const QEMU_CONF = `# written by minicloud (src/adapters/hypervisor/libvirt/private-libvirtd.ts) for a cloud's private libvirtd
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
`;

const LIBVIRTD_CONF = `# written by minicloud for a cloud's private libvirtd: one root-only unix socket, no TCP
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
unix_sock_ro_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:stderr"
`;

/** The shell that runs inside the new namespaces: bind the cloud's dirs over libvirt's, then exec the daemons. */
const START_SH = `set -eu
R=$1
mkdir -p "$R/run" "$R/var-lib" "$R/var-log" "$R/etc-qemu"
# Mount points (libvirt's standard directories; empty on a host that never ran libvirtd).
mkdir -p /run/libvirt /var/lib/libvirt /var/log/libvirt /etc/libvirt/qemu
mount --bind "$R/run" /run/libvirt
mount --bind "$R/var-lib" /var/lib/libvirt
mount --bind "$R/var-log" /var/log/libvirt
mount --bind "$R/etc-qemu" /etc/libvirt/qemu
touch /etc/libvirt/qemu.conf 2>/dev/null || true
mount --bind "$R/qemu.conf" /etc/libvirt/qemu.conf
virtlogd --pid-file "$R/virtlogd.pid" &
exec libvirtd --pid-file "$R/libvirtd.pid" -f "$R/libvirtd.conf"
`;

export function privateLibvirtdUri(root: string): string {
  return `qemu+unix:///system?socket=${join(root, 'run', 'libvirt-sock')}`;
}

/** argv that starts the daemon pair inside the cloud's namespaces. Pure. */
export function privateLibvirtdArgv(root: string, netns: string | null): string[] {
  return [
    ...(netns ? ['nsenter', `--net=/run/netns/${netns}`] : []),
    'unshare', '--mount', '--propagation', 'private',
    'sh', join(root, 'start.sh'), root,
  ];
}

/**
 * Returns the cloud's private libvirtd, starting it (detached, so it and its guests outlive the
 * controller) when its socket does not answer. Idempotent.
 */
export async function ensurePrivateLibvirtd(opts: PrivateLibvirtdOptions): Promise<PrivateLibvirtd> {
  const { root } = opts;
  const socket = join(root, 'run', 'libvirt-sock');
  const handle = async (): Promise<PrivateLibvirtd> => ({
    uri: privateLibvirtdUri(root),
    pidDir: join(root, 'run', 'qemu'),
    pid: await readPidFile(join(root, 'libvirtd.pid')),
  });
  if (await socketAnswers(socket)) return handle();
  await mkdir(root, { recursive: true });
  await Promise.all([
    writeFile(join(root, 'qemu.conf'), QEMU_CONF),
    writeFile(join(root, 'libvirtd.conf'), LIBVIRTD_CONF),
    writeFile(join(root, 'start.sh'), START_SH),
  ]);
  const argv = privateLibvirtdArgv(root, opts.netns);
  const logPath = join(root, 'daemon.log');
  const logFd = openSync(logPath, 'a');
  const child = spawn(argv[0] ?? 'unshare', argv.slice(1), { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (err) => {
    exited = err.message;
  });
  child.unref();
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (!(await socketAnswers(socket))) {
    if (exited || Date.now() > deadline) {
      if (child.pid !== undefined && !exited) signalProcess(child.pid, 'SIGTERM');
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw errors.libvirtUnavailable(`private libvirtd in ${root} ${exited ?? 'did not open its socket in time'}: ${log.trim().split('\n').slice(-5).join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return handle();
}

/**
 * Stops a cloud's private libvirtd and virtlogd (SIGTERM, then SIGKILL) and checks that each is gone.
 * They are found by their pid files and, should a pid file be missing (a crash while the daemon was
 * starting), by a command line that names `root`. Guests still running keep running: undefine them
 * first. Returns what it stopped; throws MC_ERR_LIBVIRT_UNAVAILABLE naming any daemon that survived
 * SIGKILL. MUST succeed if no daemon is running.
 */
export async function stopPrivateLibvirtd(root: string): Promise<string[]> {
  const pids = new Set<number>();
  for (const name of ['libvirtd.pid', 'virtlogd.pid']) {
    const pid = await readPidFile(join(root, name));
    if (pid !== null && (await isDaemon(pid, root))) pids.add(pid);
  }
  for (const entry of await readdir('/proc')) {
    if (/^\d+$/.test(entry) && (await isDaemon(Number(entry), root))) pids.add(Number(entry));
  }
  const stopped: string[] = [];
  const left: string[] = [];
  for (const pid of pids) {
    const comm = await daemonName(pid);
    const alive = (): Promise<boolean> => isDaemon(pid, root);
    signalProcess(pid, 'SIGTERM');
    let gone = await waitUntilGone(alive, 10_000);
    if (!gone) {
      signalProcess(pid, 'SIGKILL');
      gone = await waitUntilGone(alive, 5_000);
    }
    (gone ? stopped : left).push(`${comm} (pid ${pid})`);
  }
  if (left.length > 0) throw errors.libvirtUnavailable(`the private libvirt daemons in ${root} survived SIGKILL: ${left.join(', ')}`);
  return stopped;
}

/** `libvirtd`/`virtlogd` for a live daemon process, else null. */
async function daemonName(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const state = procStatState(stat);
  return (comm === 'libvirtd' || comm === 'virtlogd') && state !== 'Z' && state !== 'X' ? comm : null;
}

/** Whether `pid` is a live libvirtd/virtlogd of this root (its `--pid-file` lies under `root`). */
async function isDaemon(pid: number, root: string): Promise<boolean> {
  if ((await daemonName(pid)) === null) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').some((arg) => arg.startsWith(`${root}/`));
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
