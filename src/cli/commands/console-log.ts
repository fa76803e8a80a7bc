import { cliCloud, untilSignal } from './cli-context.js';

/** `minicloud console-log ID [-f]`: the serial console from byte 0, raw; -f follows it. */
export async function runConsoleLog(ref: string, opts: { follow?: boolean }): Promise<void> {
  const { client } = cliCloud();
  const id = (await client.info(ref)).id;
  let offset = 0;
  const stop = untilSignal();
  try {
    for (;;) {
      const { data, nextOffset } = await client.console(id, offset);
      if (data.length > 0) process.stdout.write(data);
      offset = nextOffset;
      if (!opts.follow || stop.signal.aborted) return;
      if (data.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    stop.cleanup();
  }
}
