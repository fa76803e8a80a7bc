/**
 * TUI overhead benchmark (a script, not a test), in the shape of `minicloud up` on a terminal: ONE
 * controller-side process (this one) serves the metadata app (buildMetadataApp, in-memory stores)
 * on loopback TCP and the controller's API (buildApiApp) on a unix socket, both on one EventBus;
 * the TUI is ANOTHER process (tui-client.ts) that follows GET /v1/events over that socket and draws
 * the dashboard on a 120×40 terminal that drops its bytes. In one run, alternating
 *   A  without a TUI  and  B  with the TUI process attached, for BENCH_ROUNDS rounds (A B A B …).
 * Alternating cancels the drift of a shared machine. Reported per round and in total: throughput
 * (target: sum(B)/sum(A) >= 0.95, docs/tui.md), the server process's CPU time per request, and the
 * TUI process's CPU time per request (it competes for the same cores).
 * wrk: GET /latest/meta-data/instance-id, keep-alive, loopback only.
 *
 * The TUI follows the stream as `minicloud up` does: request summaries (DASHBOARD_STREAM).
 * Environment: BENCH_DURATION (per phase, default 4s), BENCH_ROUNDS (default 5), BENCH_WARMUP (load before each measured phase, default 8s), BENCH_STRICT=1
 * (exit 1 on a miss), BENCH_TUI_STREAM=full (the TUI follows every event, as before summaries). run.sh sets NODE_ENV=production, as the CLI must for React (see docs/tui.md).
 */
import { CLOUD_METADATA } from '../../src/clouds/registry.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryInstanceStore } from '../../src/adapters/store/memory-instance-store.js';
import { MemoryRequestLog } from '../../src/adapters/store/memory-request-log.js';
import { buildApiApp, type ApiController } from '../../src/api/api-app.js';
import type { InstanceRecord } from '../../src/domain/instance.js';
import { EventBus } from '../../src/events/event-bus.js';
import { buildMetadataApp } from '../../src/metadata/build-metadata-app.js';
import { systemClock } from '../../src/ports/clock.js';
import { parseWrkReport, type WrkReport } from '../metadata/wrk-report.js';

const DURATION = process.env['BENCH_DURATION'] ?? '4s';
const WARMUP = process.env['BENCH_WARMUP'] ?? '8s';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? '5');
const TARGET = 0.95;

const instance: InstanceRecord = {
  id: 'i-0b0b0b0b0b0b0b0b0', uuid: '0b0b0b0b-0000-4000-8000-00000000000b', name: 'bench', hostname: 'bench',
  mac: '52:54:00:00:00:0b', ip: '127.0.0.1', publicKeys: [], userData: null, meta: {}, datasource: 'ec2',
  imdsv2: 'optional', launchIndex: 0, instanceType: 'm1.small', imageId: 'ami-00000001', availabilityZone: 'nova',
  region: 'minicloud-1', reservationId: 'r-0b0b0b0b0b0b0b0b0', securityGroups: ['default'], iamRole: null,
  vendorData: {}, createdAt: Date.now(), cloudEvents: [],
};

/** utime + stime of a process from /proc/PID/stat, in microseconds (USER_HZ = 100). */
function processCpuUs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100;
}

/** Starts the TUI process on the API socket; resolves once it has drawn its first frames. */
async function startTui(socketPath: string): Promise<{ child: ChildProcess; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'tui-client.ts'), socketPath], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' },
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  // Ink shows the cursor again on exit (ESC[?25h on stderr); anything else the TUI says is passed on.
  child.stderr?.on('data', (c: Buffer) => {
    const text = c.toString().replaceAll('\x1b[?25h', '');
    if (text !== '') process.stderr.write(text);
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  // Loading tsx, React and Ink and the first draw are a one-off (once per `up`): measure after them.
  await new Promise((ok) => setTimeout(ok, 2500));
  return {
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      return Number(/frames (\d+)/.exec(out)?.[1] ?? 0);
    },
  };
}

function wrk(port: number, duration: string): Promise<WrkReport> {
  return new Promise((ok, fail) => {
    const child = spawn('wrk', ['-t1', '-c32', `-d${duration}`, '--latency', `http://127.0.0.1:${port}/latest/meta-data/instance-id`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? ok(parseWrkReport(out)) : fail(new Error(`wrk exited with ${code}:\n${out}`))));
  });
}

/** The API needs a controller; this benchmark only follows events, so any other call is a bug. */
const noController = new Proxy({}, { get: (_t, name) => () => { throw new Error(`bench/tui: controller.${String(name)} called`); } }) as ApiController;

async function main(): Promise<void> {
  const bus = new EventBus({ historySize: 1000 });
  const app = buildMetadataApp({
    instances: new MemoryInstanceStore([instance]), requestLog: new MemoryRequestLog({ capacity: 10_000 }),
    bus, clock: systemClock, tokenSecret: new Uint8Array(32).fill(1), clouds: CLOUD_METADATA,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-tui-'));
  const socketPath = join(dir, 'controller.sock');
  const api = buildApiApp({
    controller: noController, bus, onShutdown: () => undefined,
    status: () => { throw new Error('bench/tui: status called'); },
  });
  await api.listen({ path: socketPath });
  bus.publish({ type: 'cloud.status', at: Date.now(), status: 'up' });
  bus.publish({ type: 'instance.added', at: Date.now(), instance: {
    id: instance.id, name: instance.name, ip: instance.ip, mac: instance.mac, image: 'minicirros', datasource: 'ec2',
    accelerator: 'tcg', stage: 'metadata', state: 'running', createdAt: instance.createdAt, lastMetadataAt: null, errorCount: 0,
  } });

  await wrk(address.port, '2s');
  const totals = { A: { requests: 0, rps: 0, cpuUs: 0, tuiUs: 0 }, B: { requests: 0, rps: 0, cpuUs: 0, tuiUs: 0 } };
  let frameBytes = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of ['A', 'B'] as const) {
      const tui = mode === 'B' ? await startTui(socketPath) : null;
      // Both modes are measured warm: the server was warmed once above; a freshly started TUI is
      // still compiling its event and draw paths (TurboFan, seen in `perf` of the TUI process), which a
      // TUI that has been open for more than a few seconds no longer pays. So it follows a warm-up load
      // first, and the A side gets the same load, so each measured round starts from the same state.
      await wrk(address.port, WARMUP);
      const tuiPid = tui?.child.pid;
      const tuiBefore = tuiPid === undefined ? 0 : processCpuUs(tuiPid);
      const cpu = process.cpuUsage();
      const report = await wrk(address.port, DURATION);
      const used = process.cpuUsage(cpu);
      const tuiUs = tuiPid === undefined ? 0 : processCpuUs(tuiPid) - tuiBefore;
      if (tui !== null) frameBytes += await tui.stop();
      const t = totals[mode];
      t.requests += report.requests;
      t.rps += report.requestsPerSec;
      t.cpuUs += used.user + used.system;
      t.tuiUs += tuiUs;
      const tuiNote = mode === 'B' ? `  TUI process ${(tuiUs / report.requests).toFixed(1)} µs/req` : '';
      console.log(`round ${round} ${mode === 'A' ? 'A without TUI' : 'B with TUI   '} ${report.requestsPerSec.toFixed(0).padStart(7)} req/s  p99 ${report.p99Ms.toFixed(2)} ms  non-2xx ${report.non2xx}  server ${((used.user + used.system) / report.requests).toFixed(1)} µs/req${tuiNote}`);
    }
  }
  await api.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });

  const ratio = totals.B.rps / totals.A.rps;
  const cpuA = totals.A.cpuUs / totals.A.requests;
  const cpuB = totals.B.cpuUs / totals.B.requests;
  console.log(`bench/tui: ${ROUNDS} rounds of ${DURATION} per mode, wrk -t1 -c32, loopback; TUI in its own process on the API socket (${process.env['BENCH_TUI_STREAM'] === 'full' ? 'every event' : 'request summaries'}); NODE_ENV=${process.env['NODE_ENV'] ?? '(unset)'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`server CPU per request: ${cpuA.toFixed(1)} µs without the TUI, ${cpuB.toFixed(1)} µs with it (${(cpuA / cpuB).toFixed(3)}); the TUI process used ${(totals.B.tuiUs / totals.B.requests).toFixed(1)} µs per request and drew ${(frameBytes / 1024).toFixed(0)} KiB of frames`);
  console.log(`throughput ratio B/A = ${ratio.toFixed(3)} (target >= ${TARGET}) ${ratio >= TARGET ? 'OK' : 'MISSED'}`);
  if (process.env['BENCH_STRICT'] === '1' && ratio < TARGET) process.exitCode = 1;
}

await main();
