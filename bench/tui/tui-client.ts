/**
 * The TUI as `minicloud up` runs it on a terminal: its own process, a client of the controller's
 * API socket (GET /v1/events?follow&replay&requests=summary&keep=100, NDJSON, DASHBOARD_STREAM),
 * drawing the dashboard. Here the terminal is a 120×40 sink that counts and drops the frames.
 * Started by run-bench.ts; argv: SOCKET_PATH. BENCH_TUI_STREAM=full follows every event instead
 * (how the TUI did before request summaries, for comparison).
 * Prints `frames BYTES` on SIGTERM, then exits.
 */
import { EventEmitter } from 'node:events';
import { ApiClient } from '../../src/api/api-client.js';
import { apiEventIterable } from '../../src/api/api-event-iterable.js';
import { asyncIterableSource, DASHBOARD_STREAM } from '../../src/tui/event-source.js';
import { renderDashboard } from '../../src/tui/render-dashboard.js';

const socketPath = process.argv[2];
if (socketPath === undefined) throw new Error('usage: tui-client.ts SOCKET_PATH');
const stream = process.env['BENCH_TUI_STREAM'] === 'full' ? {} : DASHBOARD_STREAM;

let bytes = 0;
const stdout = Object.assign(new EventEmitter(), {
  isTTY: true, columns: 120, rows: 40,
  write: (chunk: string): boolean => { bytes += chunk.length; return true; },
}) as unknown as NodeJS.WriteStream;
const stdin = Object.assign(new EventEmitter(), {
  isTTY: true, setEncoding: () => undefined, setRawMode: () => undefined, resume: () => undefined,
  pause: () => undefined, ref: () => undefined, unref: () => undefined, read: () => null,
}) as unknown as NodeJS.ReadStream;

const handle = renderDashboard({
  events: asyncIterableSource(() => apiEventIterable(new ApiClient(socketPath), stream)),
  actions: { runInstance: async () => undefined, deleteInstance: async () => undefined, ssh: async () => undefined, quit: () => undefined },
  stdin, stdout,
});
process.once('SIGTERM', () => {
  handle.close();
  void handle.done.then(() => {
    process.stdout.write(`frames ${bytes}\n`);
    process.exit(0);
  });
});
