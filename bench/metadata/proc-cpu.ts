/**
 * CPU time a process used, from /proc (Linux): the whole process and its main thread (tid = pid)
 * separately, so the benchmark can tell event-loop cost from work moved to other threads (the
 * request-log writer). A shared, loaded machine skews wall-clock throughput; CPU time per request
 * is the steadier figure.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux this runs on

export interface CpuSample {
  /** utime + stime of every thread, in microseconds. */
  processUs: number;
  /** utime + stime of the main thread only, in microseconds. */
  mainThreadUs: number;
}

/** utime + stime in microseconds from a /proc stat line (fields 14 and 15; the comm field may hold spaces). */
function statCpuUs(statFile: string): number {
  const text = readFileSync(statFile, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot parse ${statFile}`);
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

export function sampleCpu(pid: number): CpuSample {
  return { processUs: statCpuUs(`/proc/${pid}/stat`), mainThreadUs: statCpuUs(`/proc/${pid}/task/${pid}/stat`) };
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuSample {
  return { processUs: after.processUs - before.processUs, mainThreadUs: after.mainThreadUs - before.mainThreadUs };
}
