import type { FaultRuleView } from '../../../src/domain/fault-rule.js';
import { T0 } from '../tui/event-factory.js';

/** A fault rule as `fault.added` carries it: `/latest/**` answered 500, three times. */
export function faultView(over: Partial<FaultRuleView> = {}): FaultRuleView {
  return {
    id: 'f1', instance: null, path: '/latest/**', method: null, cloud: null,
    action: { kind: 'status', status: 500, body: '' }, limit: { kind: 'times', times: 3 }, addedAt: T0,
    hits: 0, firstHitAt: null, state: 'active', ...over,
  };
}
