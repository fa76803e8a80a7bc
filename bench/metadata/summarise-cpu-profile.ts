/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`) of the main thread (thread id 0 in the file
 * name; the request-log writer thread, if any, is left out) as (a) where the busy time goes by area —
 * node:http and streams, fastify, minicloud's metadata server, recording, SQLite, the console line, GC —
 * and (b) the top functions by self time, so a missed benchmark target says where the time went without
 * opening DevTools. Idle time is left out of every share.
 *
 * Native functions (no script URL: SQLite's statement.run …) are charged to the area of their nearest
 * caller that has one; socket system calls (writev, read) are an area of their own, because V8 samples
 * wall time and a thread preempted inside one is sampled there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Busy time by area, largest first, and the top functions by self time. */
export interface ProfileSummary {
  busyUs: number;
  areas: { area: string; us: number }[];
  functions: { name: string; us: number }[];
}

/** Areas, first match wins; `url` is the script URL of the node or of its nearest caller with one. */
const AREAS: [string, (url: string) => boolean][] = [
  ['minicloud: console line (metadata serve)', (u) => u.includes('/cli/')],
  ['minicloud: request log (store)', (u) => u.includes('/adapters/store/')],
  ['minicloud: event bus', (u) => u.includes('/events/')],
  ['minicloud: recording (record-requests)', (u) => u.includes('/metadata/record-requests')],
  ['minicloud: metadata hooks and handlers', (u) => u.includes('/metadata/')],
  ['SQLite (better-sqlite3)', (u) => u.includes('better-sqlite3')],
  ['fastify (router, hooks, reply)', (u) => /node_modules\/(fastify|find-my-way|@fastify|avvio|fast-|light-my-request|toad-cache|abstract-logging)/.test(u)],
  ['node:http, net and streams', (u) => /^node:(_http|http|net|stream|internal\/(streams|http|stream_base|net|timers|perf))/.test(u) || u === 'node:timers'],
  ['node: other (modules, process, events)', (u) => u.startsWith('node:')],
];

/** Native frames that are system calls on sockets and files. */
const SYSTEM_CALLS = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString', 'writeString', 'read', 'readv']);

function areaOf(url: string, functionName: string): string {
  // V8 samples wall time: a thread preempted inside a system call is sampled there, so on a busy host
  // this area also holds time spent waiting for a CPU (bench/metadata's /proc figures are CPU time).
  if (SYSTEM_CALLS.has(functionName)) return 'system calls (socket writes and reads; includes time preempted in them)';
  if (url === '') return functionName === '(garbage collector)' ? 'GC' : functionName === '(program)' ? 'V8/runtime (program)' : 'native (no caller)';
  for (const [area, test] of AREAS) if (test(url)) return area;
  return 'other';
}

function isMainThreadProfile(file: string): boolean {
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile
  return file.endsWith('.cpuprofile') && file.split('.').at(-3) === '0';
}

export function summariseCpuProfileDir(dir: string, top = 20): ProfileSummary | null {
  const files = readdirSync(dir).filter(isMainThreadProfile);
  if (files.length === 0) return null;
  const areaUs = new Map<string, number>();
  const selfUs = new Map<string, number>();
  let busyUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    /** The script URL of the node, else of its nearest caller that has one. */
    const urlOf = (id: number): string => {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const url = byId.get(at)?.callFrame.url ?? '';
        if (url !== '') return url;
      }
      return '';
    };
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      const dt = profile.timeDeltas[i] ?? 0;
      if (node === undefined || node.callFrame.functionName === '(idle)') return;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
      const area = areaOf(url === '' && (functionName.startsWith('(') || SYSTEM_CALLS.has(functionName)) ? '' : urlOf(id), functionName);
      areaUs.set(area, (areaUs.get(area) ?? 0) + dt);
      busyUs += dt;
    });
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    busyUs,
    areas: sorted(areaUs).map(([area, us]) => ({ area, us })),
    functions: sorted(selfUs)
      .slice(0, top)
      .map(([name, us]) => ({ name, us })),
  };
}

/**
 * The summary as text. With `usPerRequest` (the main thread's CPU per request the benchmark measured),
 * each area's share is also shown as µs per request.
 */
export function formatProfileSummary(summary: ProfileSummary | null, usPerRequest?: number): string {
  if (summary === null) return '(no main-thread .cpuprofile found)';
  const share = (us: number) => us / summary.busyUs;
  const perRequest = (us: number) => (usPerRequest === undefined ? '' : `  ${(share(us) * usPerRequest).toFixed(2).padStart(6)} µs/request`);
  return [
    `main thread, busy ${(summary.busyUs / 1000).toFixed(0)} ms sampled (idle left out); by area:`,
    ...summary.areas.map(({ area, us }) => `${(100 * share(us)).toFixed(1).padStart(5)}%${perRequest(us)}  ${area}`),
    'top functions by self time:',
    ...summary.functions.map(({ name, us }) => `${(100 * share(us)).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`),
  ].join('\n');
}
