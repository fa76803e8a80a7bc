import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SmokeReport } from '../../src/smoke/smoke-report.js';
import type { TestInstance } from '../../test/helpers/instance-record.js';
import { createGuestWorld, requireImage, type GuestWorld } from '../../test/vm/images/guest-world.js';
import type { RunningGuest } from '../../test/vm/images/qemu-guest.js';
import { median } from '../median.js';

// Issue 8's speed target: `minicloud smoke --image minicirros` under 15 s wall time under TCG.
// Per round, interleaved so host load hits both alike:
//   smoke — wall ms of `node dist/cli/main.js smoke --image minicirros` (process start to exit; the run makes
//           and removes its own netns and state; its report's phases are summed up too);
//   bare  — wall ms from spawning a hand-written qemu-system-x86_64 command line (test/vm/images/qemu-guest.ts:
//           TCG, 1 vCPU, the same 256 MiB, direct kernel boot with the image's kernel, initrd and command line,
//           as smoke boots minicirros) to `<hostname> login:` on the serial console, with the same plumbing a
//           guest needs not to wait on timeouts (bridge, dnsmasq, DNAT, `minicloud metadata serve`) in a netns
//           this bench creates and removes (test/vm/images/guest-world.ts).
// The ratio says how much the cloud plumbing and the checks add to a boot. Exit 0 when measured (PASS or MISS),
// 1 when a smoke run or a boot failed, 130 when interrupted.
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const RUNS = Number(process.env['SMOKE_BENCH_RUNS'] ?? '3');
const TARGET_MS = 15_000;
/** Bounds: a smoke run gets its own --timeout, then a hard kill; a bare boot is killed after BOOT_TIMEOUT_MS. */
const SMOKE_TIMEOUT = '120s';
const SMOKE_HARD_KILL_MS = 180_000;
const BOOT_TIMEOUT_MS = 60_000;

const BASELINE: TestInstance = {
  id: 'i-0b0b0b0b0b0b0b021', uuid: '0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0021', name: 'bench-smoke',
  hostname: 'bench-smoke', mac: '52:54:00:6d:62:21', ip: '10.77.0.51', datasource: 'ec2', userData: '#!/bin/sh\ntrue\n',
};

interface SmokeRun {
  wallMs: number;
  report: SmokeReport | null;
  code: number | null;
  stderrTail: string;
}

let interrupted: NodeJS.Signals | null = null;
let currentSmoke: ChildProcess | null = null;
let currentGuest: RunningGuest | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted !== null) return;
    interrupted = signal;
    process.stderr.write(`\nsmoke bench: ${signal}: stopping the current run and cleaning up\n`);
    // smoke tears its cloud down on ONE SIGINT/SIGTERM (a second one makes it exit at once, leaving its
    // cloud): it runs in its own process group, so a group-wide signal (Ctrl-C, run.sh's timeout) does not
    // reach it, and it is told here exactly once. QEMU just dies. The finally blocks remove the rest.
    currentSmoke?.kill(signal);
    currentGuest?.kill();
  });
}

function runSmoke(work: string, round: number): Promise<SmokeRun> {
  const dir = mkdtempSync(join(work, `smoke-${round}-`));
  const reportPath = join(dir, 'report.json');
  const started = Date.now();
  return new Promise((res, rej) => {
    const child = spawn(
      process.execPath,
      [CLI, 'smoke', '--image', 'minicirros', '--timeout', SMOKE_TIMEOUT, '--report', reportPath, '--junit', join(dir, 'junit.xml'), '--artifacts', join(dir, 'artifacts')],
      // The state root stays short: QEMU's QMP socket path under it must fit in 107 bytes.
      { cwd: ROOT, env: { ...process.env, MINICLOUD_SMOKE_STATE: work }, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    currentSmoke = child;
    const hardKill = setTimeout(() => child.kill('SIGKILL'), SMOKE_HARD_KILL_MS);
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      process.stderr.write(c.toString().replace(/^(?=.)/gm, `  [smoke ${round}] `));
    });
    child.once('error', rej);
    child.once('exit', (code) => {
      clearTimeout(hardKill);
      currentSmoke = null;
      const wallMs = Date.now() - started;
      const report = existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as SmokeReport) : null;
      res({ wallMs, report, code, stderrTail: stderr.split('\n').slice(-15).join('\n') });
    });
  });
}

async function bootBare(world: GuestWorld, kernelDir: string, cmdline: string): Promise<number> {
  const guest = await world.boot(
    BASELINE,
    { kind: 'kernel', kernel: join(kernelDir, 'vmlinuz'), initrd: join(kernelDir, 'initrd.img'), append: cmdline },
    { memoryMiB: 256, hardTimeoutMs: BOOT_TIMEOUT_MS },
  );
  currentGuest = guest;
  try {
    return (await guest.waitFor(new RegExp(`${BASELINE.hostname} login:`), BOOT_TIMEOUT_MS)).atMs;
  } finally {
    guest.kill();
    await guest.exited;
    currentGuest = null;
  }
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Median of every phase the smoke reports name, in the order of the first report. */
function phaseMedians(reports: readonly SmokeReport[]): string {
  const names = Object.keys(reports[0]?.phases ?? {});
  return names.map((n) => `${n} ${secs(median(reports.map((r) => r.phases[n] ?? NaN)))}`).join(', ');
}

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';

function namespacesLeft(names: readonly string[]): string[] {
  const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]);
  return names.filter((n) => listed.includes(n));
}

async function main(): Promise<number> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`SMOKE_BENCH_RUNS must be a positive integer, got ${process.env['SMOKE_BENCH_RUNS']}`);
  const imageDir = requireImage('minicirros', 'vmlinuz', 'initrd.img', 'disk.qcow2');
  const cmdline = /^cmdline:\s*(.+)$/m.exec(readFileSync(join(imageDir, 'manifest.txt'), 'utf8'))?.[1]?.trim() ?? 'console=ttyS0';
  const loadBefore = loadAverage();
  const work = mkdtempSync(join(tmpdir(), 'mcsb-'));
  const smokes: SmokeRun[] = [];
  const bare: number[] = [];
  const namespaces: string[] = [];
  let world: GuestWorld | undefined;
  try {
    world = await createGuestWorld('mcsmb', [BASELINE]);
    namespaces.push(world.ns.name);
    for (let round = 1; round <= RUNS && interrupted === null; round++) {
      const s = await runSmoke(work, round);
      smokes.push(s);
      if (s.report) namespaces.push(s.report.netns);
      if (interrupted !== null) break;
      const b = await bootBare(world, imageDir, cmdline);
      bare.push(b);
      process.stderr.write(`round ${round}: smoke ${secs(s.wallMs)} (${s.report?.result ?? `no report, exit ${s.code}`}), bare QEMU to login: ${secs(b)}\n`);
    }
  } finally {
    await world?.destroy();
    rmSync(work, { recursive: true, force: true });
  }
  if (interrupted !== null) return 130;

  const failed = smokes.filter((s) => s.report?.result !== 'passed');
  const passed = smokes.filter((s) => s.report?.result === 'passed');
  const smokeMs = median(passed.map((s) => s.wallMs));
  const bareMs = median(bare);
  const accel = passed[0]?.report?.accelerator ?? 'unknown';
  const left = namespacesLeft(namespaces);
  console.log(`minicirros: minicloud smoke vs a bare QEMU boot, ${RUNS} interleaved rounds, accelerator ${accel}, 256 MiB`);
  console.log(`  smoke wall time:        median ${secs(smokeMs)}   runs: ${smokes.map((s) => secs(s.wallMs) + (s.report?.result === 'passed' ? '' : ' (FAILED)')).join(', ')}`);
  console.log(`  bare QEMU to login:     median ${secs(bareMs)}   runs: ${bare.map(secs).join(', ')}`);
  console.log(`  ratio smoke / bare:     ${(smokeMs / bareMs).toFixed(2)}x`);
  console.log(`  smoke phases (median):  ${phaseMedians(passed.flatMap((s) => (s.report ? [s.report] : [])))}`);
  const verdict = passed.length > 0 && failed.length === 0 && smokeMs < TARGET_MS ? 'PASS' : 'MISS';
  console.log(`  target smoke < ${TARGET_MS / 1000} s:    ${verdict} (median ${secs(smokeMs)}${failed.length > 0 ? `; ${failed.length} run(s) failed` : ''})`);
  // The host is shared: TCG boots stretch with its load, so the load goes next to the figures.
  console.log(`  host load (1 min):      ${loadBefore} at start, ${loadAverage()} at end`);
  console.log(`  namespaces left:        ${left.length === 0 ? 'none' : left.join(', ')}`);
  for (const f of failed) {
    console.log(`  failed run: exit ${f.code}, ${f.report?.error?.code ?? 'no report'}: ${f.report?.error?.message ?? ''}\n${f.stderrTail}`);
  }
  return failed.length > 0 || left.length > 0 ? 1 : 0;
}

process.exitCode = await main().catch((err: unknown) => {
  // An interrupted boot or smoke run rejects; the finally blocks above have cleaned up by now.
  if (interrupted !== null) return 130;
  throw err;
});
