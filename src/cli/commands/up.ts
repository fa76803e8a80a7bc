import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { ApiClient } from '../../api/api-client.js';
import { cloudLayout, minicloudHome, type UpFlags } from '../../config/minicloud-config.js';
import type { MinicloudEvent } from '../../domain/events.js';
import { errors, isMinicloudError } from '../../errors/catalogue.js';
import { out, err } from './cli-context.js';
import { eventLine } from './cli-format.js';
import { inNetns } from './ssh.js';
import { createNetns, deleteNetnsIfEmpty, netnsInode } from '../../adapters/network/linux/named-netns.js';
import { clearNetnsRecord, readNetnsRecord, writeNetnsRecord } from '../../config/netns-record.js';
import type { UpOptions } from '../command-flags.js';

/** `up` flags → UpFlags (already parsed; checked with minicloud.yaml by readCloudInputs before anything starts). */
export function upFlagsFrom(opts: Pick<UpOptions, 'cloud' | 'bridge' | 'subnet' | 'metadataPort' | 'egress' | 'driver' | 'connect' | 'accelerator'>): UpFlags {
  return {
    ...(opts.cloud !== undefined ? { cloud: opts.cloud } : {}),
    ...(opts.bridge !== undefined ? { bridge: opts.bridge } : {}),
    ...(opts.subnet !== undefined ? { subnet: opts.subnet } : {}),
    ...(opts.metadataPort !== undefined ? { metadataPort: opts.metadataPort } : {}),
    ...(opts.egress !== undefined ? { egress: opts.egress } : {}),
    ...(opts.driver !== undefined ? { driver: opts.driver } : {}),
    ...(opts.connect !== undefined ? { connect: opts.connect } : {}),
    ...(opts.accelerator !== undefined ? { accelerator: opts.accelerator } : {}),
  };
}

/** argv of this CLI without the options named (for re-exec into a netns or a daemon). */
function selfArgv(drop: string[]): string[] {
  const args = process.argv.slice(2);
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? '';
    const name = a.split('=')[0] ?? a;
    if (drop.includes(name)) {
      if (!a.includes('=') && (name === '--netns')) i += 1;
      continue;
    }
    out.push(a);
  }
  return [process.execPath, ...process.execArgv, process.argv[1] ?? 'minicloud', ...out];
}

/** Runs the re-executed `up`; SIGINT/SIGTERM sent to this process are passed on, so it can still undo after the child. */
function runChild(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? 'ip', argv.slice(1), { stdio: 'inherit', env });
    const forward = (): void => void child.kill('SIGTERM');
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const settle = (): void => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    child.once('error', (err) => {
      settle();
      reject(err);
    });
    child.once('exit', (code, signal) => {
      settle();
      resolve({ code: code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 130 : 1), signal });
    });
  });
}

/**
 * `--netns NAME`: checks every flag and the config first (nothing exists yet if they are wrong), creates
 * the namespace if needed and records it in MINICLOUD_HOME (netns.json: so `prune` finds it and
 * `down`/`prune` delete only what up made), then re-executes `up` inside it. If that `up` fails, the
 * namespace up created is deleted again — unless processes still run in it (a crash), which `prune`
 * then ends before it deletes the namespace.
 */
async function reexecInNetns(name: string, opts: UpOptions, flags: UpFlags): Promise<void> {
  if (process.getuid?.() !== 0) throw errors.needsRoot('minicloud up --netns');
  const { readCloudInputs } = await import('../../composition/cloud-inputs.js');
  const { layout } = readCloudInputs({ env: process.env, ...(opts.config !== undefined ? { configPath: opts.config } : {}), flags });
  await new ApiClient(layout.socketPath).status().then(
    () => {
      throw errors.controllerAlreadyRunning(layout.socketPath);
    },
    (e: unknown) => {
      // Nothing answering is what we want; anything else is a real failure.
      if (!isMinicloudError(e) || e.code !== errors.controllerNotRunning.code) throw e;
    },
  );
  await mkdir(layout.home, { recursive: true, mode: 0o700 });
  const { inode, created } = await recordNetns(layout.netnsRecordPath, name);
  const { code, signal } = await runChild(['ip', 'netns', 'exec', name, ...selfArgv(['--netns'])], { ...process.env, MINICLOUD_NETNS: name });
  if (signal !== null && signal !== 'SIGINT' && signal !== 'SIGTERM') err(`minicloud: up inside netns ${name} was killed by ${signal}`);
  process.exitCode = code;
  if (code !== 0) await undoNetns(layout.netnsRecordPath, name, inode, created, []);
}

/**
 * Records NAME in netns.json before anything runs inside it, creating NAME first when it does not exist.
 * `created` stays true for a namespace an earlier `up` created (same inode), so a crashed cloud's
 * namespace is still deleted in the end.
 */
async function recordNetns(recordPath: string, name: string): Promise<{ inode: number; created: boolean }> {
  const recorded = readNetnsRecord(recordPath);
  let inode = netnsInode(name);
  let created = recorded !== null && recorded.name === name && recorded.created && recorded.inode === inode;
  if (inode === null) {
    inode = await createNetns(name).catch((err: unknown) => {
      throw errors.controllerUnavailable(`cannot create network namespace ${name}: ${err instanceof Error ? err.message : String(err)}`).causedBy(err);
    });
    created = true;
  }
  try {
    writeNetnsRecord(recordPath, { name, created, inode });
  } catch (err) {
    if (created) await deleteNetnsIfEmpty(name, inode);
    throw err;
  }
  return { inode, created };
}

/**
 * After the cloud in namespace NAME stopped (`down`) or failed to start: deletes NAME if up created it
 * and nothing but `exclude` still runs inside, and forgets the record. A namespace that still holds
 * processes is kept, with its record, and reported (MC_ERR_NETNS_NOT_REMOVED): `prune` removes both.
 */
async function undoNetns(recordPath: string, name: string, inode: number, created: boolean, exclude: number[]): Promise<void> {
  if (!created) {
    clearNetnsRecord(recordPath, name);
    return;
  }
  const deletion = await deleteNetnsIfEmpty(name, inode, exclude);
  if (deletion.outcome === 'busy') {
    const pids = deletion.processes.map((p) => `${p.cmdline.slice(0, 60)} (pid ${p.pid})`).join(', ');
    const notice = errors.netnsNotRemoved(name, `processes still run inside: ${pids}`);
    err(`minicloud: error: ${notice.message} [${notice.code}]`);
    if (notice.hint) err(`  hint: ${notice.hint}`);
    process.exitCode ||= notice.exitCode;
    return;
  }
  clearNetnsRecord(recordPath, name);
}

/** `-d`: start the controller as a daemon (log in $MINICLOUD_HOME/controller.log) and wait until it answers. */
async function daemonize(): Promise<void> {
  const layout = cloudLayout(minicloudHome(process.env));
  await mkdir(layout.home, { recursive: true, mode: 0o700 });
  const client = new ApiClient(layout.socketPath);
  const running = await client.status().then((s) => s, () => null);
  if (running) throw errors.controllerAlreadyRunning(layout.socketPath);
  const log = openSync(layout.logPath, 'a');
  const child = spawn(selfArgv(['-d', '--detach'])[0] ?? process.execPath, [...selfArgv(['-d', '--detach']).slice(1), '--json'], { detached: true, stdio: ['ignore', log, log], env: process.env });
  closeSync(log);
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? 1));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== null) {
      const tail = readFileSync(layout.logPath, 'utf8').trim().split('\n').slice(-15).join('\n');
      err(tail);
      process.exitCode = exited;
      return;
    }
    const status = await client.status().then((st) => st, (e: unknown) => {
      if (Date.now() > deadline) throw e;
      return null;
    });
    if (status === null) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    // Another controller won a race for this home: ours will exit with MC_ERR_CONTROLLER_ALREADY_RUNNING.
    if (status.pid !== child.pid) throw errors.controllerAlreadyRunning(layout.socketPath);
    child.unref();
    err(`minicloud is up: cloud ${status.cloudId}, ${status.subnet} on ${status.bridge}${status.netns ? ` in netns ${status.netns}` : ''}, ${status.hypervisor} driver, ${status.accelerator} (pid ${status.pid}, log ${layout.logPath})`);
    err('next: `minicloud run minicirros`, `minicloud ls`, `minicloud down`');
    return;
  }
}

/** `minicloud up`. */
export async function runUp(opts: UpOptions): Promise<void> {
  const flags = upFlagsFrom(opts);
  const netns = opts.netns ?? null;
  if (netns && !inNetns(netns)) return reexecInNetns(netns, opts, flags);
  // Started inside NAME already (`ip netns exec NAME minicloud up --netns NAME`): record it all the same.
  if (netns) {
    const layout = cloudLayout(minicloudHome(process.env));
    await mkdir(layout.home, { recursive: true, mode: 0o700 });
    await recordNetns(layout.netnsRecordPath, netns);
  }
  if (opts.detach) return daemonize();
  const { canRenderDashboard, claimInteractiveTerminal } = await import('../../tui/terminal-check.js');
  if (!opts.json && !opts.plain && canRenderDashboard()) {
    claimInteractiveTerminal();
    // On a terminal: the cloud runs as a daemon and the TUI is its client, so rendering never
    // shares an event loop with the metadata server; quitting may leave the cloud running.
    await daemonize();
    if (process.exitCode) return;
    const { runDashboardClient } = await import('./up-dashboard.js');
    return runDashboardClient();
  }
  const { startCloud } = await import('../../composition/start-cloud.js');
  const print = (e: MinicloudEvent) => out(opts.json ? JSON.stringify(e) : eventLine(e));
  const cloud = await startCloud({
    env: process.env,
    netns: netns ?? process.env['MINICLOUD_NETNS'] ?? null,
    ...(opts.config ? { configPath: opts.config } : {}),
    flags,
  });
  const unsubscribe = cloud.bus.subscribe(print, { replay: true });
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    void cloud.shutdown();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await cloud.done;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await removeNetnsIfOurs(netns ?? process.env['MINICLOUD_NETNS'] ?? null);
  const left = cloud.shutdownError();
  if (left) throw left;
  if (interrupted) process.exitCode = 130;
}

/** After `down`, in the controller (still inside the namespace): delete the namespace if `up --netns` created it. */
async function removeNetnsIfOurs(netns: string | null): Promise<void> {
  if (!netns) return;
  const recordPath = cloudLayout(minicloudHome(process.env)).netnsRecordPath;
  const recorded = readNetnsRecord(recordPath);
  if (recorded?.name !== netns) return;
  await undoNetns(recordPath, netns, recorded.inode, recorded.created, [process.pid]);
}
