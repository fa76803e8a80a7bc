import { errors } from '../../errors/catalogue.js';
import { cliCloud, err, out } from './cli-context.js';

/** `minicloud delete ID... | --all`: the controller removes the guests, then the records. */
export async function runDelete(refs: string[], opts: { all?: boolean; json?: boolean }): Promise<void> {
  if (refs.length === 0 && !opts.all) throw errors.usage('name the instances to delete, or use --all');
  if (refs.length > 0 && opts.all) throw errors.usage('give instance names or --all, not both');
  const { client } = cliCloud();
  const deleted: string[] = [];
  if (opts.all) deleted.push(...(await client.removeAll()).deleted);
  for (const ref of refs) deleted.push(...(await client.remove(ref)).deleted);
  if (opts.json) out(JSON.stringify({ deleted }));
  else for (const id of deleted) err(`deleting ${id}`);
}
