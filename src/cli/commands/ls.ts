import { cliCloud, out } from './cli-context.js';
import { instanceTable } from './cli-format.js';

/** `minicloud ls`: never fails because one instance is half-created (the controller lists what it has). */
export async function runLs(opts: { json?: boolean; quiet?: boolean }): Promise<void> {
  const instances = await cliCloud().client.list();
  if (opts.json) out(JSON.stringify(instances, null, 2));
  else if (opts.quiet) for (const i of instances) out(i.name);
  else if (instances.length === 0) out('No instances. Start one with `minicloud run minicirros`.');
  else out(instanceTable(instances, Date.now()));
}
