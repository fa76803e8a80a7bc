import { cliCloud, out, untilSignal } from './cli-context.js';
import { eventLine } from './cli-format.js';

/** `minicloud events [-f] [--json]`: the retained events, then (with -f) live ones, one per line. */
export async function runEvents(opts: { follow?: boolean; json?: boolean }): Promise<void> {
  const { client } = cliCloud();
  const stop = untilSignal();
  try {
    await client.events({ follow: opts.follow === true, replay: true, signal: stop.signal }, (e) => out(opts.json ? JSON.stringify(e) : eventLine(e)));
  } finally {
    stop.cleanup();
  }
}
