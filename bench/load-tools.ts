/**
 * What the HTTP benchmarks (bench/metadata, bench/faults) share: a free loopback port, stopping a
 * server they started, and wrk's load (`wrk -t2 -c64 --latency`, keep-alive) parsed. Children are
 * tracked in the caller's set, so its exit handler can end what is still running, by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parseWrkReport, type WrkReport } from './metadata/wrk-report.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the child has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** wrk's 64 keep-alive connections on http://127.0.0.1:PORT/PATH for DURATION (e.g. `10s`). */
export function runWrk(port: number, path: string, duration: string, children: Set<ChildProcess>): Promise<WrkReport> {
  const args = ['-t2', '-c64', `-d${duration}`, '--latency', `http://127.0.0.1:${port}${path}`];
  return new Promise((ok, fail) => {
    const wrk = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(wrk);
    let out = '';
    wrk.stdout.on('data', (c: Buffer) => (out += c.toString()));
    wrk.once('error', fail);
    wrk.once('exit', (code) => {
      children.delete(wrk);
      if (code !== 0) fail(new Error(`wrk exited with ${code}:\n${out}`));
      else ok(parseWrkReport(out));
    });
  });
}
