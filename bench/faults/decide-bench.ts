/**
 * The rule check alone, in process: what the metadata server's onRequest hook does per request when a
 * server has rules (faultPath of the URL, then FaultBook.decide), timed (CPU time) over many calls for each rule set
 * of scenarios.ts. No network, no fastify: the figure is the check's own cost per request, which the
 * end-to-end run (run-bench.ts) can only show through the noise of a shared machine.
 */
import { CLOUD_NAMES } from '../../src/clouds/registry.js';
import { FaultBook, type FaultSubject } from '../../src/core/fault-book.js';
import { faultPath } from '../../src/core/fault-glob.js';
import { median } from '../median.js';
import { BENCH_INSTANCE_ID, BENCH_PATH, scenarios } from './scenarios.js';

const CALLS = Number(process.env['BENCH_DECIDE_CALLS'] ?? '20000');
const REPEATS = 5;

export interface DecideFigure {
  name: string;
  label: string;
  /** Median CPU ns per request over REPEATS timed batches of CALLS (CPU time: a loaded machine inflates wall time). */
  nsPerRequest: number;
}

export function benchDecide(): DecideFigure[] {
  const subject: Omit<FaultSubject, 'path'> = { method: 'GET', instanceId: BENCH_INSTANCE_ID, instanceName: 'bench', ip: '127.0.0.1', cloud: 'ec2' };
  return scenarios().map((s) => {
    const book = new FaultBook({ now: Date.now, seed: () => 1, clouds: CLOUD_NAMES, publish: () => {} });
    book.addAll(s.rules);
    let fired = 0;
    const batch = (): number => {
      const t = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) {
        // What the hook does: the check is skipped with no active rules.
        if (book.activeCount > 0 && book.decide({ ...subject, path: faultPath(BENCH_PATH) }) !== null) fired++;
      }
      const used = process.cpuUsage(t);
      return ((used.user + used.system) * 1000) / CALLS;
    };
    batch(); // warm-up: JIT
    const ns = median(Array.from({ length: REPEATS }, batch));
    const expected = s.name === 'last' ? (REPEATS + 1) * CALLS : 0;
    if (fired !== expected) throw new Error(`${s.name}: ${fired} requests shaped, expected ${expected}`);
    return { name: s.name, label: s.label, nsPerRequest: ns };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`fault rule check in process (faultPath + FaultBook.decide), ${CALLS} calls x ${REPEATS}, median CPU time:`);
  for (const f of benchDecide()) console.log(`  ${f.label.padEnd(32)} ${(f.nsPerRequest / 1000).toFixed(3).padStart(9)} µs/request`);
}
