import { cloudEventCountdown, eventClock } from '../../core/cloud-event-text.js';
import { formatDuration } from '../../core/units.js';
import type { CloudEventView } from '../../domain/cloud-event.js';
import { table } from './cli-format.js';

/** `spot terminate`, `maintenance system-reboot`, `rebalance`, with `(no-act)` when the cloud will not act. */
function what(view: CloudEventView): string {
  const name = view.kind === 'spot' ? `spot ${view.action}` : view.kind === 'maintenance' ? `maintenance ${view.code}` : 'rebalance';
  return 'act' in view && !view.act ? `${name} (no-act)` : name;
}

/** The event's time: a spot's action time, a maintenance window, a rebalance's notice. */
function when(view: CloudEventView, now: number): string {
  switch (view.kind) {
    case 'spot':
      return eventClock(view.actionAt, now);
    case 'maintenance':
      return `${eventClock(view.notBefore, now)}–${eventClock(view.notAfter, now)}`;
    case 'rebalance':
      return eventClock(view.noticeAt, now);
  }
}

function countdown(view: CloudEventView, now: number): string {
  const next = cloudEventCountdown(view, now);
  if (next === null) return view.status === 'due' ? 'due' : '--';
  const label = next.what === 'notice' ? 'notice in' : next.what === 'end' ? 'ends in' : 'in';
  return `${label} ${formatDuration(next.at - now)}`;
}

function outcome(view: CloudEventView): string {
  if (view.kind !== 'rebalance' && view.fired !== null) {
    const late = view.fired.at - (view.kind === 'spot' ? view.actionAt : view.notBefore);
    return `${view.fired.outcome} (+${formatDuration(Math.max(0, late))})${view.fired.detail === null ? '' : `: ${view.fired.detail}`}`;
  }
  return '--';
}

/** `minicloud event ls`: one row per event, in the order they were made. Pure. */
export function cloudEventTable(views: readonly CloudEventView[], now: number): string {
  return table(
    ['ID', 'INSTANCE', 'EVENT', 'STATUS', 'TIME (UTC)', 'NEXT', 'OUTCOME'],
    views.map((v) => [v.id, v.instanceName, what(v), v.status, when(v, now), countdown(v, now), outcome(v)]),
  );
}
