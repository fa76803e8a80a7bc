import type { MetadataRequestRecord } from '../../domain/metadata-request.js';
import { cliCloud, out, untilSignal } from './cli-context.js';
import { metadataLine } from '../../core/metadata-line.js';

/** `minicloud metadata-log [ID] [-f] [--json]`: from the request log (SQLite), then live with -f. */
export async function runMetadataLog(ref: string | undefined, opts: { follow?: boolean; json?: boolean; limit: number }): Promise<void> {
  const { client } = cliCloud();
  const color = process.stdout.isTTY && process.env['NO_COLOR'] === undefined;
  const print = (r: MetadataRequestRecord) => out(opts.json ? JSON.stringify(r) : metadataLine(r, { color }));
  const instance = ref === undefined ? undefined : (await client.info(ref)).id;
  const backlog = await client.metadataLog({ ...(instance ? { instance } : {}), limit: opts.limit });
  backlog.forEach(print);
  if (!opts.follow) return;
  const stop = untilSignal();
  let since = backlog.at(-1)?.time ?? 0;
  try {
    await client.events({ follow: true, replay: false, signal: stop.signal }, (e) => {
      if (e.type !== 'metadata.request' || (instance && e.request.instanceId !== instance) || e.request.time < since) return;
      since = e.request.time;
      print(e.request);
    });
  } finally {
    stop.cleanup();
  }
}
