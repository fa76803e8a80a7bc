// See run.sh. A script, not a test: it prints measurements and asserts nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { median } from '../median.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const RUNS = Number(process.env['LAUNCH_BENCH_RUNS'] ?? 3);
const DRIVER = process.env['LAUNCH_BENCH_DRIVER'] ?? 'auto';
const home = mkdtempSync(join(tmpdir(), 'mc-launch-'));
const netns = `mclaunch-${randomBytes(3).toString('hex')}`;

function mc(args: string[], timeoutMs = 600_000): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, MINICLOUD_HOME: home } });
  if (r.status !== 0) throw new Error(`minicloud ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  lastStderr = r.stderr;
  return r.stdout;
}
let lastStderr = '';

/** kB fields of /proc/<pid>/status (VmRSS now, VmHWM = peak resident set since the process started). */
function memoryKb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Waits until the previous case's `--rm` instances are gone (guests, leases), so cases do not overlap. */
async function untilEmpty(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((JSON.parse(mc(['ls', '--json'])) as unknown[]).length > 0) {
    if (Date.now() > deadline) throw new Error('instances were not deleted within 2 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\``);
  process.stdout.write(`launch bench: ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, driver ${DRIVER}, ${RUNS} run(s) per case\n`);
  mc(['up', '-d', '--netns', netns, '--driver', DRIVER], 180_000);
  process.stdout.write(`${lastStderr.split('\n')[0] ?? ''}\n`); // "minicloud is up: …, <driver> driver, <accelerator> …"
  const pid = Number(readFileSync(join(home, 'controller.pid'), 'utf8').trim());
  const idle = memoryKb(pid);
  const results: { label: string; wallMs: number[]; peakKb: number }[] = [];
  for (const count of [1, 8]) {
    const wallMs: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      await untilEmpty();
      const started = performance.now();
      mc(['run', 'minicirros', '--count', String(count), '--wait-for', 'metadata', '--timeout', '8m', '--rm', '--json']);
      wallMs.push(performance.now() - started);
    }
    results.push({ label: `${count} instance${count > 1 ? 's' : ''}`, wallMs, peakKb: memoryKb(pid).peak });
  }
  const fmt = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  process.stdout.write(`\ncontroller pid ${pid}: RSS ${(idle.rss / 1024).toFixed(0)} MiB after up\n`);
  process.stdout.write(`${'case'.padEnd(12)} ${'median wall'.padStart(12)} ${'min'.padStart(8)} ${'max'.padStart(8)}   controller peak RSS\n`);
  for (const r of results) {
    process.stdout.write(`${r.label.padEnd(12)} ${fmt(median(r.wallMs)).padStart(12)} ${fmt(Math.min(...r.wallMs)).padStart(8)} ${fmt(Math.max(...r.wallMs)).padStart(8)}   ${(r.peakKb / 1024).toFixed(0)} MiB\n`);
  }
  process.stdout.write('(wall: `minicloud run minicirros --count N --wait-for metadata` from start to exit; peak RSS: VmHWM of the controller, cumulative)\n');
}

try {
  await main();
} finally {
  // Stop the cloud; `up --netns` created the namespace, so `down` removes it. Anything left is ended here.
  spawnSync(process.execPath, [CLI, 'down'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MINICLOUD_HOME: home } });
  if (existsSync(`/run/netns/${netns}`)) {
    for (const p of execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).split('\n').filter(Boolean)) process.kill(Number(p), 'SIGKILL');
    execFileSync('ip', ['netns', 'del', netns]);
  }
  rmSync(home, { recursive: true, force: true });
}
