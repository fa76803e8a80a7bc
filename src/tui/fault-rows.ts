import { describeFault } from '../core/describe-fault.js';
import type { FaultRuleState } from '../domain/fault-rule.js';
import type { FaultEntry } from './dashboard-state.js';

/** One line of the faults pane. */
export interface FaultRow {
  id: string;
  /** `?` when the dashboard saw the rule's hits but not the rule. */
  state: FaultRuleState | '?';
  hits: number;
  rule: string;
}

/** Most lines the faults pane takes from the requests pane (its title included). */
export const MAX_FAULT_PANE_LINES = 4;

/**
 * The rules as the pane lists them, in the order they were added, each with its state now: a `times`
 * rule is spent once its hits reach times, a `for` rule expired once that long has passed since its
 * first hit (what the server decides, from the events the dashboard saw). Pure.
 */
export function faultRows(faults: ReadonlyMap<string, FaultEntry>, now: number): FaultRow[] {
  return [...faults.values()].map((f) => ({ id: f.id, state: stateOf(f, now), hits: f.hits, rule: f.rule === null ? '(added before this dashboard started)' : describeFault(f.rule) }));
}

function stateOf(f: FaultEntry, now: number): FaultRow['state'] {
  const limit = f.rule?.limit;
  if (limit === undefined) return '?';
  if (limit.kind === 'times' && f.hits >= limit.times) return 'spent';
  if (limit.kind === 'for' && f.firstHitAt !== null && now - f.firstHitAt >= limit.forMs) return 'expired';
  return 'active';
}
