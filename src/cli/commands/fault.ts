import { checkFaultSpecs } from '../../config/load-faults-file.js';
import { describeFault } from '../../core/describe-fault.js';
import type { FaultRuleSpec } from '../../core/fault-rule-spec.js';
import type { FaultRuleView } from '../../domain/fault-rule.js';
import { errors } from '../../errors/catalogue.js';
import type { FaultAddOptions } from '../command-flags.js';
import { cliCloud, out } from './cli-context.js';
import { table } from './cli-format.js';

/** The rule `fault add`'s flags describe, in the file form (docs/faults.md). Pure. */
export function faultSpecFromFlags(o: FaultAddOptions): FaultRuleSpec {
  return {
    path: o.path,
    ...(o.id !== undefined ? { id: o.id } : {}),
    ...(o.instance !== undefined ? { instance: o.instance } : {}),
    ...(o.method !== undefined ? { method: o.method } : {}),
    ...(o.cloud !== undefined ? { cloud: o.cloud } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
    ...(o.body !== undefined ? { body: o.body } : {}),
    ...(o.delay !== undefined ? { delay: o.delay } : {}),
    ...(o.reset === true ? { reset: true as const } : {}),
    ...(o.hang === true ? { hang: true as const } : {}),
    ...(o.times !== undefined ? { times: o.times } : {}),
    ...(o.for !== undefined ? { for: o.for } : {}),
    ...(o.probability !== undefined ? { probability: o.probability } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  };
}

/** `fault ls` without --json: one row per rule, oldest first. */
export function faultTable(rules: readonly FaultRuleView[]): string {
  if (rules.length === 0) return 'no fault rules';
  return table(['ID', 'STATE', 'HITS', 'RULE'], rules.map((r) => [r.id, r.state, String(r.hits), describeFault(r)]));
}

/** `minicloud fault add …`: checked here first (the same rule language as the server), then added. */
export async function runFaultAdd(o: FaultAddOptions): Promise<void> {
  const spec = faultSpecFromFlags(o);
  checkFaultSpecs([spec], () => 'fault add');
  const rule = await cliCloud().client.addFault(spec);
  out(o.json ? JSON.stringify(rule) : `fault ${rule.id} added: ${describeFault(rule)}`);
}

export async function runFaultLs(o: { json?: boolean }): Promise<void> {
  const rules = await cliCloud().client.faults();
  out(o.json ? JSON.stringify(rules) : faultTable(rules));
}

export async function runFaultRm(ids: string[], o: { all?: boolean; json?: boolean }): Promise<void> {
  if (o.all === true ? ids.length > 0 : ids.length === 0) throw errors.usage('fault rm: give rule ids or --all (not both)');
  const { client } = cliCloud();
  const removed: string[] = [];
  if (o.all === true) removed.push(...(await client.removeAllFaults()).removed);
  for (const id of ids) removed.push(...(await client.removeFault(id)).removed);
  out(o.json ? JSON.stringify({ removed }) : removed.length === 0 ? 'no fault rules' : `removed ${removed.join(', ')}`);
}
