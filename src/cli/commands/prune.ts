import { cliCloud, out } from './cli-context.js';

/** `minicloud prune`: removes guests no instance owns and instances that failed. */
export async function runPrune(opts: { json?: boolean }): Promise<void> {
  const result = await cliCloud().client.prune();
  if (opts.json) out(JSON.stringify(result));
  else out(`removed ${result.orphans.length} orphan guest(s)${result.orphans.length ? `: ${result.orphans.join(', ')}` : ''}; ${result.failed.length} failed instance(s)${result.failed.length ? `: ${result.failed.join(', ')}` : ''}`);
}
