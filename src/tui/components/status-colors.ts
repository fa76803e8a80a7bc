import type { InstanceSummary } from '../../domain/events.js';

/** Colours carry meaning: red failed, yellow "not found" (what a guest probed), magenta "token refused". */
export function statusColor(status: number): string {
  // 0: no answer at all (a fault rule reset or held the request).
  if (status === 0) return 'red';
  if (status === 401 || status === 403) return 'magenta';
  if (status === 404) return 'yellow';
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  return 'green';
}

export function instanceStateColor(state: InstanceSummary['state']): string | undefined {
  if (state === 'error') return 'red';
  if (state === 'running') return 'green';
  if (state === 'stopped' || state === 'stopping') return 'gray';
  return undefined;
}
