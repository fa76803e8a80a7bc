/**
 * Fault-rule benchmark (a script, not a test; docs/faults.md "Cost"): what the rule check costs a
 * request. Two parts:
 *   1. in process (decide-bench.ts): faultPath + FaultBook.decide alone, ns per request;
 *   2. end to end: bench/metadata's load (GET /latest/meta-data/instance-id, wrk -t2 -c64 --latency,
 *      loopback, `metadata serve` with its request log on) against one server per rule set of
 *      scenarios.ts (no rules, no rules again, 1,000 rules none matching, 1,000 with the last matching),
 *      each started fresh with `--faults FILE`, in BENCH_ROUNDS rounds (the order rotated each round),
 *      printed side by side as medians and as ratios to the no-rules server.
 * CPU µs per request (main thread, from /proc) is the steadier figure on a shared machine; the spread
 * between the two no-rules servers is the noise: a cost below it is not measurable here.
 *
 * Environment: BENCH_DURATION (wrk run per server, default 10s, after a 2 s warm-up), BENCH_ROUNDS
 * (default 3), BENCH_DECIDE_CALLS (calls per timed batch of part 1, default 20000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../median.js';
import { cpuBetween, sampleCpu, type CpuSample } from '../metadata/proc-cpu.js';
import type { WrkReport } from '../metadata/wrk-report.js';
import { benchDecide } from './decide-bench.js';
import { BENCH_INSTANCE_ID, BENCH_PATH, scenarios, type Scenario } from './scenarios.js';
import { freePort, runWrk, stop } from '../load-tools.js';

const ROOT = resolve(import.meta.dirname, '../..');
const INSTANCES = join(ROOT, 'bench/metadata/instances.yaml');
const DURATION = process.env['BENCH_DURATION'] ?? '10s';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? '3');

const children = new Set<ChildProcess>();

/** One GET: its status and body (the caller polls until the server is up). */
function fetchOnce(port: number): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const req = get({ host: '127.0.0.1', port, path: BENCH_PATH, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
  });
}

interface Measurement {
  wrk: WrkReport;
  cpu: CpuSample;
}

/** Starts `metadata serve` with the scenario's rules, checks its answer, warms it up, measures it, stops it. */
async function measure(cli: string, work: string, s: Scenario): Promise<Measurement> {
  const faults = join(work, `${s.name}.json`);
  writeFileSync(faults, JSON.stringify({ faults: s.rules }));
  const port = await freePort();
  const args = [cli, 'metadata', 'serve', '--listen', `127.0.0.1:${port}`, '--instances', INSTANCES, '--state-dir', join(work, `state-${s.name}`), ...(s.rules.length > 0 ? ['--faults', faults] : [])];
  // stdout (a line per request) is discarded, as bench/metadata does; stderr explains a crash.
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  try {
    const deadline = Date.now() + 20_000;
    let answer: { status: number; body: string } | null = null;
    while (answer === null) {
      if (child.exitCode !== null) throw new Error(`${s.name}: metadata serve exited with ${child.exitCode}`);
      answer = await fetchOnce(port).catch(async (err: unknown) => {
        if (Date.now() > deadline) throw new Error(`${s.name}: no answer on 127.0.0.1:${port}`, { cause: err });
        await sleep(100);
        return null;
      });
    }
    // Every rule set gives the client the same answer: a fault that fired would show here.
    if (answer.status !== 200 || answer.body !== BENCH_INSTANCE_ID) throw new Error(`${s.name}: answered ${answer.status} ${JSON.stringify(answer.body)}`);
    if (child.pid === undefined) throw new Error('no pid');
    await runWrk(port, BENCH_PATH, '2s', children);
    const before = sampleCpu(child.pid);
    const wrk = await runWrk(port, BENCH_PATH, DURATION, children);
    return { wrk, cpu: cpuBetween(before, sampleCpu(child.pid)) };
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const cli = join(ROOT, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing; run \`make build\` first`);
  const all = scenarios();
  console.log(`fault bench: cpus ${cpus().length}, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);

  const decide = benchDecide();
  console.log('1. the rule check in process (faultPath + FaultBook.decide), median CPU ns per request:');
  for (const f of decide) console.log(`   ${f.label.padEnd(32)} ${f.nsPerRequest.toFixed(0).padStart(9)} ns`);

  const work = mkdtempSync(join(tmpdir(), 'minicloud-fault-bench-'));
  const results = new Map<string, Measurement[]>(all.map((s) => [s.name, []]));
  try {
    console.log(`2. end to end: GET ${BENCH_PATH}, wrk -t2 -c64 -d${DURATION} --latency, loopback, request log on, ${ROUNDS} rounds`);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotated each round, so a machine getting busier or idler does not favour one rule set.
      const order = all.map((_, i) => all[(i + round) % all.length] as Scenario);
      for (const s of order) (results.get(s.name) as Measurement[]).push(await measure(cli, work, s));
      console.log(`   round ${round + 1} done (load average ${loadavg()[0]?.toFixed(2)})`);
    }
  } finally {
    await Promise.all([...children].map((c) => stop(c)));
    rmSync(work, { recursive: true, force: true });
  }

  const rps = (name: string) => median((results.get(name) ?? []).map((m) => m.wrk.requestsPerSec));
  const p99 = (name: string) => median((results.get(name) ?? []).map((m) => m.wrk.p99Ms));
  const cpuUs = (name: string) => median((results.get(name) ?? []).map((m) => m.cpu.mainThreadUs / m.wrk.requests));
  const base = { rps: rps('none'), p99: p99('none'), cpu: cpuUs('none') };
  const errorsSeen = [...results.values()].flat().reduce((n, m) => n + m.wrk.non2xx + m.wrk.socketErrors, 0);
  console.log(`   medians; ratios against "${all[0]?.label}" (throughput: < 1 is slower; CPU and p99: > 1 is costlier):`);
  console.log(`   ${'rule set'.padEnd(32)} ${'req/s'.padStart(8)} ${'ratio'.padStart(6)}   ${'p99 ms'.padStart(7)} ${'ratio'.padStart(6)}   ${'CPU µs/req'.padStart(10)} ${'ratio'.padStart(6)}  ${'+µs/req'.padStart(8)}`);
  for (const s of all) {
    const r = rps(s.name);
    const p = p99(s.name);
    const c = cpuUs(s.name);
    console.log(`   ${s.label.padEnd(32)} ${r.toFixed(0).padStart(8)} ${(r / base.rps).toFixed(3).padStart(6)}   ${p.toFixed(2).padStart(7)} ${(p / base.p99).toFixed(3).padStart(6)}   ${c.toFixed(1).padStart(10)} ${(c / base.cpu).toFixed(3).padStart(6)}  ${(c - base.cpu).toFixed(1).padStart(8)}`);
  }
  console.log(`   non-2xx answers and socket errors: ${errorsSeen}; load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
