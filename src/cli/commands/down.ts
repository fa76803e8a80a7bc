import { existsSync } from 'node:fs';
import { isProcessRunning } from '../../adapters/hypervisor/qemu/guest-process.js';
import { cliCloud, err } from './cli-context.js';

/**
 * `minicloud down`: asks the controller to remove everything `up` created, then waits until the
 * controller has exited: it removes its socket last of the cloud's parts, and after that (with
 * `up --netns`) the namespace up created, so "cloud is down" means the namespace is gone too.
 */
export async function runDown(opts: { timeout: number }): Promise<void> {
  const { client, layout } = cliCloud();
  const { pid } = await client.status();
  await client.down();
  const deadline = Date.now() + opts.timeout * 1000;
  const stopped = async (): Promise<boolean> => !existsSync(layout.socketPath) && !(await isProcessRunning(pid));
  while (!(await stopped()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  err((await stopped()) ? 'cloud is down' : 'the controller is still stopping; check `minicloud ls` in a moment');
}
