/**
 * TUI overhead benchmark (a script, not a test): metadata throughput of ONE in-process metadata
 * server (buildMetadataApp, in-memory stores, a real EventBus), in one run, alternating
 *   A  without a TUI  and  B  with the dashboard attached to the bus (rendering to a 120×40 fake
 *   terminal that counts and drops its output), for BENCH_ROUNDS rounds (A B A B …).
 * Alternating cancels the drift of a shared machine. Reported: throughput ratio sum(B)/sum(A)
 * (target, issue 7: >= 0.95) and the process's CPU time per request in each mode.
 * wrk: GET /latest/meta-data/instance-id, keep-alive, loopback only.
 *
 * Environment: BENCH_DURATION (per phase, default 4s), BENCH_ROUNDS (default 3), BENCH_STRICT=1
 * (exit 1 on a miss). run.sh sets NODE_ENV=production, as the CLI must for React (see docs/tui.md).
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { MemoryInstanceStore } from '../../src/adapters/store/memory-instance-store.js';
import { MemoryRequestLog } from '../../src/adapters/store/memory-request-log.js';
import type { InstanceRecord } from '../../src/domain/instance.js';
import { EventBus } from '../../src/events/event-bus.js';
import { buildMetadataApp } from '../../src/metadata/build-metadata-app.js';
import { systemClock } from '../../src/ports/clock.js';
import { eventBusSource } from '../../src/tui/event-source.js';
import { renderDashboard, type DashboardHandle } from '../../src/tui/render-dashboard.js';
import { parseWrkReport, type WrkReport } from '../metadata/wrk-report.js';

const DURATION = process.env['BENCH_DURATION'] ?? '4s';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? '3');
const TARGET = 0.95;

const instance: InstanceRecord = {
  id: 'i-0b0b0b0b0b0b0b0b0', uuid: '0b0b0b0b-0000-4000-8000-00000000000b', name: 'bench', hostname: 'bench',
  mac: '52:54:00:00:00:0b', ip: '127.0.0.1', publicKeys: [], userData: null, meta: {}, datasource: 'ec2',
  imdsv2: 'optional', launchIndex: 0, instanceType: 'm1.small', imageId: 'ami-00000001', availabilityZone: 'nova',
  region: 'minicloud-1', reservationId: 'r-0b0b0b0b0b0b0b0b0', securityGroups: ['default'], iamRole: null,
  vendorData: {}, createdAt: Date.now(),
};

/** A TTY-like sink: Ink renders and writes as to a terminal; the bytes are counted and dropped. */
function fakeTerminal(): { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; bytes: () => number } {
  let bytes = 0;
  const stdout = Object.assign(new EventEmitter(), {
    isTTY: true, columns: 120, rows: 40,
    write: (chunk: string): boolean => { bytes += chunk.length; return true; },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true, setEncoding: () => undefined, setRawMode: () => undefined, resume: () => undefined,
    pause: () => undefined, ref: () => undefined, unref: () => undefined, read: () => null,
  });
  return { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, bytes: () => bytes };
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

async function main(): Promise<void> {
  const bus = new EventBus({ historySize: 1000 });
  const app = buildMetadataApp({
    instances: new MemoryInstanceStore([instance]), requestLog: new MemoryRequestLog({ capacity: 10_000 }),
    bus, clock: systemClock, tokenSecret: new Uint8Array(32).fill(1),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  bus.publish({ type: 'cloud.status', at: Date.now(), status: 'up' });
  bus.publish({ type: 'instance.added', at: Date.now(), instance: {
    id: instance.id, name: instance.name, ip: instance.ip, mac: instance.mac, image: 'minicirros', datasource: 'ec2',
    accelerator: 'tcg', stage: 'metadata', state: 'running', createdAt: instance.createdAt, lastMetadataAt: null, errorCount: 0,
  } });

  await wrk(address.port, '2s');
  const attach = (term: ReturnType<typeof fakeTerminal>): DashboardHandle =>
    renderDashboard({
      events: eventBusSource(bus),
      actions: { runInstance: async () => undefined, deleteInstance: async () => undefined, ssh: async () => undefined, quit: () => undefined },
      stdin: term.stdin, stdout: term.stdout,
    });
  const totals = { A: { requests: 0, rps: 0, cpuUs: 0 }, B: { requests: 0, rps: 0, cpuUs: 0 } };
  let frameBytes = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of ['A', 'B'] as const) {
      const term = fakeTerminal();
      const handle = mode === 'B' ? attach(term) : null;
      // Mounting is a one-off (the TUI attaches once per `up`); measure the steady state after it.
      if (handle !== null) await new Promise((ok) => setTimeout(ok, 1000));
      const cpu = process.cpuUsage();
      const report = await wrk(address.port, DURATION);
      const used = process.cpuUsage(cpu);
      handle?.close();
      await handle?.done;
      frameBytes += term.bytes();
      totals[mode].requests += report.requests;
      totals[mode].rps += report.requestsPerSec;
      totals[mode].cpuUs += used.user + used.system;
      console.log(`round ${round} ${mode === 'A' ? 'A without TUI' : 'B with TUI   '} ${report.requestsPerSec.toFixed(0).padStart(7)} req/s  p99 ${report.p99Ms.toFixed(2)} ms  non-2xx ${report.non2xx}  cpu ${((used.user + used.system) / report.requests).toFixed(1)} µs/req`);
    }
  }
  await app.close();

  const ratio = totals.B.rps / totals.A.rps;
  const cpuA = totals.A.cpuUs / totals.A.requests;
  const cpuB = totals.B.cpuUs / totals.B.requests;
  console.log(`bench/tui: ${ROUNDS} rounds of ${DURATION} per mode, wrk -t1 -c32, one process, loopback, NODE_ENV=${process.env['NODE_ENV'] ?? '(unset)'}`);
  console.log(`CPU per request: ${cpuA.toFixed(1)} µs without the TUI, ${cpuB.toFixed(1)} µs with it (${(cpuA / cpuB).toFixed(3)}); the TUI wrote ${(frameBytes / 1024).toFixed(0)} KiB of frames`);
  console.log(`throughput ratio B/A = ${ratio.toFixed(3)} (target >= ${TARGET}) ${ratio >= TARGET ? 'OK' : 'MISSED'}`);
  if (process.env['BENCH_STRICT'] === '1' && ratio < TARGET) process.exitCode = 1;
}

await main();
