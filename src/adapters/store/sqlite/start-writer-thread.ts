import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { WriterThreadData } from './writer-thread-protocol.js';

/**
 * Starts request-log-writer-thread. Built (dist/, plain Node): its .js sibling. Run from the
 * TypeScript sources (vitest, tsx): Node cannot load .ts in a worker by itself and `--import tsx` in
 * execArgv does not reach worker threads on Node 20, so a two-line bootstrap registers tsx's loader in
 * the thread first, then imports the .ts entry.
 */
export function startWriterThread(data: WriterThreadData, transfer: TransferListItem[]): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL('./request-log-writer-thread.js', here), { workerData: data, transferList: transfer });
  const entry = new URL('./request-log-writer-thread.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, transferList: transfer });
}

/** tsx's ESM `register` API, resolved through its package.json exports (only present in development). */
function tsxEsmApiUrl(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = manifest.exports['./esm/api']?.import.default;
  if (api === undefined) throw new Error(`${packageJson} exports no ./esm/api`);
  return pathToFileURL(join(dirname(packageJson), api)).href;
}
