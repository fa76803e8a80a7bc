import { cloudEventNewsText, isCloudEventNews } from '../../core/cloud-event-text.js';
import type { MinicloudEvent } from '../../domain/events.js';
import { systemClock } from '../../ports/clock.js';
import { formatRequestLine } from '../request-log-line.js';
import { startStandaloneServer } from '../../composition/start-metadata-server.js';
import { loadFaultsFile } from '../../config/load-faults-file.js';
import { describeFault } from '../../core/describe-fault.js';
import type { MetadataServeOptions } from '../command-flags.js';

interface Output {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string): unknown };
}

/**
 * `minicloud metadata serve`: serves the instances file until SIGINT or SIGTERM, then closes the
 * server, flushes the request log and returns (exit 0: stopping a server is its normal end).
 * stdout carries the request log — text lines, or NDJSON records with --json (then the
 * "listening" line goes to stderr so stdout stays machine-readable); notices and the instances file's
 * cloud events as they play (`minicloud: event: …`, docs/events.md) go to stderr.
 */
export async function runMetadataServe(flags: MetadataServeOptions, io: Output = process): Promise<void> {
  const listen = flags.listen;
  const faults = flags.faults === undefined ? undefined : { specs: loadFaultsFile(flags.faults), file: flags.faults };
  const requestLines = batchLines(io.stdout);
  const onEvent = (event: MinicloudEvent): void => {
    if (event.type === 'metadata.request') {
      requestLines.add(flags.json ? JSON.stringify(event.request) : formatRequestLine(event.request));
    } else if (event.type === 'notice') {
      io.stderr.write(`minicloud: ${event.level}: ${event.message}${event.code ? ` [${event.code}]` : ''}\n`);
    } else if (isCloudEventNews(event)) {
      io.stderr.write(`minicloud: event: ${cloudEventNewsText(event)}\n`);
    }
  };
  const server = await startStandaloneServer({
    listen,
    instancesFile: flags.instances,
    stateDir: flags.stateDir,
    ...(faults ? { faults } : {}),
    clock: systemClock,
    onEvent,
  });
  const faultCount = server.faults.length === 0 ? '' : `, ${server.faults.length} fault rule${server.faults.length === 1 ? '' : 's'}`;
  const banner = `minicloud metadata server listening on ${server.url} (${server.instanceCount} instances${faultCount})\n`;
  (flags.json ? io.stderr : io.stdout).write(banner + server.faults.map((r) => `fault ${r.id}: ${describeFault(r)}\n`).join(''));

  const signal = await waitForStopSignal();
  requestLines.flush();
  (flags.json ? io.stderr : io.stdout).write(`minicloud metadata server stopping (${signal})\n`);
  await server.stop();
  requestLines.flush(); // requests answered while stopping
}

/** Request lines are written at most every LINE_BATCH_MS, or as soon as LINE_BATCH_BYTES are pending. */
const LINE_BATCH_MS = 50;
const LINE_BATCH_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Collects request lines and writes them in batches: one write per LINE_BATCH_MS (or per LINE_BATCH_BYTES
 * of lines, under heavy load), not one per request nor per turn of the event loop — a write is a system
 * call, and a pipe or terminal on stdout makes it a slow one. Each line is encoded into the batch's
 * Buffer as it comes (UTF-8, plus its newline), so a pending batch is bytes outside the JS heap rather
 * than thousands of strings every garbage collection would have to copy. Lines keep their order;
 * `flush` writes what is pending at once (before the stop banner and on the way out), so a clean stop
 * prints every line. A crash loses at most the last batch of console lines; the request log is kept apart.
 */
function batchLines(out: Output['stdout']): { add(line: string): void; flush(): void } {
  let batch = Buffer.allocUnsafe(LINE_BATCH_BYTES);
  let used = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (used === 0) return;
    const chunk = batch.subarray(0, used);
    // A fresh Buffer for the next batch: the stream may still hold this one (a TTY writes asynchronously).
    batch = Buffer.allocUnsafe(LINE_BATCH_BYTES);
    used = 0;
    out.write(chunk);
  };
  return {
    add(line) {
      // At most 3 bytes per UTF-16 code unit, plus the newline.
      const most = line.length * 3 + 1;
      if (used + most > batch.length) {
        flush();
        if (most > batch.length) {
          out.write(`${line}\n`); // longer than a whole batch (a huge --json record): on its own, in order
          return;
        }
      }
      used += batch.write(line, used, 'utf8');
      batch[used++] = NEWLINE;
      timer ??= setTimeout(flush, LINE_BATCH_MS);
    },
    flush,
  };
}

/** Resolves on the first SIGINT/SIGTERM; a second one while stopping exits at once with 130. */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
