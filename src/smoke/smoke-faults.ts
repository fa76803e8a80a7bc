import type { ApiClient } from '../api/api-client.js';
import { describeFault } from '../core/describe-fault.js';
import type { FaultRuleSpec } from '../core/fault-rule-spec.js';
import type { FaultRuleView } from '../domain/fault-rule.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/**
 * The fault scenario of a smoke run (`smoke --faults FILE`, docs/faults.md): its rules are added to the
 * throwaway cloud after it is up and before the first guest is launched, so they shape the boot from
 * its first metadata request; at the end the report lists every rule of the cloud with its hits.
 */

/** How many of the requests a rule shaped the report carries (the artifacts have them all). */
export const FAULT_REQUESTS_KEPT = 20;

/** One rule in the smoke report: the rule as `fault ls --json` shows it, in one line, and its evidence. */
export interface SmokeFaultReport extends FaultRuleView {
  /** describeFault: `GET /*\/meta-data/** → status 500, 3 times`. */
  description: string;
  /** The first requests of the request log that name this rule (as `metadata-log` shows them with `fault ID`). */
  requests: MetadataRequestRecord[];
}

/**
 * Adds the rules in file order through the controller API (the same path as `fault add`). The file was
 * checked before anything started; a rule the cloud still refuses (an id minicloud.yaml's `faults:`
 * already took) throws its coded error, which stops the run before the launch.
 */
export async function installFaults(client: Pick<ApiClient, 'addFault'>, specs: readonly FaultRuleSpec[]): Promise<FaultRuleView[]> {
  const added: FaultRuleView[] = [];
  for (const spec of specs) added.push(await client.addFault(spec));
  return added;
}

/**
 * Every rule of the cloud with its hits (the metadata server's count) and the first requests that name
 * it in the request log (`requests`, oldest first). Pure.
 */
export function faultReports(rules: readonly FaultRuleView[], requests: readonly MetadataRequestRecord[]): SmokeFaultReport[] {
  return rules.map((rule) => ({
    ...rule,
    description: describeFault(rule),
    requests: requests.filter((r) => r.fault === rule.id).slice(0, FAULT_REQUESTS_KEPT),
  }));
}

/** `fault f1: GET /latest/api/token → status 403: 1 hit (active)`, for progress lines and JUnit. */
export function faultSummary(rule: SmokeFaultReport): string {
  return `fault ${rule.id}: ${rule.description}: ${rule.hits} hit${rule.hits === 1 ? '' : 's'} (${rule.state})`;
}
