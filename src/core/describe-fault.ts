import type { FaultAction, FaultLimit, FaultRule } from '../domain/fault-rule.js';
import { formatDuration } from './units.js';

/**
 * A fault rule in one line, for `fault ls`, event lines, the TUI and the smoke report:
 * `PUT /latest/api/token on web-1 → status 403, 1 time`. Pure.
 */
export function describeFault(rule: Pick<FaultRule, 'method' | 'path' | 'instance' | 'cloud' | 'action' | 'limit'>): string {
  const where = `${rule.method ?? '*'} ${rule.path}${rule.instance === null ? '' : ` on ${rule.instance}`}${rule.cloud === null ? '' : ` (${rule.cloud})`}`;
  const limit = describeLimit(rule.limit);
  return `${where} → ${describeAction(rule.action)}${limit === '' ? '' : `, ${limit}`}`;
}

function describeAction(action: FaultAction): string {
  switch (action.kind) {
    case 'status':
      return `status ${action.status}`;
    case 'delay':
      return `delay ${formatDuration(action.delayMs)}`;
    case 'reset':
      return 'reset';
    case 'hang':
      return 'hang';
  }
}

/** '' for a rule without a limit. */
function describeLimit(limit: FaultLimit): string {
  switch (limit.kind) {
    case 'always':
      return '';
    case 'times':
      return limit.times === 1 ? '1 time' : `${limit.times} times`;
    case 'for':
      return `for ${formatDuration(limit.forMs)} from the first hit`;
    case 'probability':
      return `probability ${limit.probability}, seed ${limit.seed}`;
  }
}
