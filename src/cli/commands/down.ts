import { existsSync } from 'node:fs';
import { cliCloud, err } from './cli-context.js';

/** `minicloud down`: asks the controller to remove everything `up` created, then waits for it to exit. */
export async function runDown(opts: { timeout?: string }): Promise<void> {
  const { client, layout } = cliCloud();
  await client.down();
  const deadline = Date.now() + Number(opts.timeout ?? 60) * 1000;
  // The controller removes its socket last, after the guests and the network are gone.
  while (existsSync(layout.socketPath) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  err(existsSync(layout.socketPath) ? 'the controller is still stopping; check `minicloud ls` in a moment' : 'cloud is down');
}
