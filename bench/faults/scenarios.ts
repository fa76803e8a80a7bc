/**
 * The fault-rule sets the fault benchmarks compare (bench/faults/run-bench.ts end to end,
 * bench/faults/decide-bench.ts in process). Every rule a request has to get past is as costly as a
 * rule can be for it: no method, cloud or instance selector turns it away early, and its path starts
 * with the request's own literal prefix, so its glob's regex runs (fault-glob.ts tests the prefix first).
 */
import type { FaultRuleSpec } from '../../src/core/fault-rule-spec.js';

/** The request every benchmark sends (as bench/metadata does). */
export const BENCH_PATH = '/latest/meta-data/instance-id';
/** bench/metadata/instances.yaml's instance: what its instance-id answer is. */
export const BENCH_INSTANCE_ID = 'i-0b0e0c0a0f0e0d0c0';
export const RULE_COUNT = 1_000;

export interface Scenario {
  name: string;
  /** What it is, for the output. */
  label: string;
  rules: FaultRuleSpec[];
}

/** A rule that passes every selector of BENCH_PATH and fails only its glob's regex. */
function nearMiss(i: number): FaultRuleSpec {
  return { path: `/latest/meta-data/*/never-${i}`, status: 500 };
}

/**
 * none: no rules (bench/metadata's server); none-again: the same, a second server of the same round,
 * so the spread between two identical servers shows what is not measurable; miss: 1,000 rules none of
 * which matches; last: 999 of those and a last one that matches and answers 200 with the instance id
 * (the same status and body, without running the API's handler).
 */
export function scenarios(): Scenario[] {
  const misses = Array.from({ length: RULE_COUNT }, (_, i) => nearMiss(i));
  const last: FaultRuleSpec = { path: BENCH_PATH, method: 'GET', status: 200, body: BENCH_INSTANCE_ID };
  return [
    { name: 'none', label: 'no rules', rules: [] },
    { name: 'none-again', label: 'no rules (a 2nd server)', rules: [] },
    { name: 'miss', label: `${RULE_COUNT} rules, none match`, rules: misses },
    { name: 'last', label: `${RULE_COUNT} rules, the last matches`, rules: [...misses.slice(1), last] },
  ];
}
