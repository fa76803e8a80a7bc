import { cloudEventCountdown, describeCloudEvent } from '../core/cloud-event-text.js';
import { cloudEventStatus } from '../core/cloud-event-timeline.js';
import type { CloudEventView } from '../domain/cloud-event.js';
import { formatDuration } from './format.js';

/** The dashboard's cloud events of one instance, in the order they were made. */
export function eventsOf(events: ReadonlyMap<string, CloudEventView>, instanceId: string): CloudEventView[] {
  return [...events.values()].filter((e) => e.instanceId === instanceId);
}

const SHORT: Record<CloudEventView['kind'], string> = { spot: 'spot', maintenance: 'maint', rebalance: 'rebal' };

/** One event in a few words at `now`: `spot stop in 1m52s`, `maintenance system-reboot ends in 9m`, `spot terminate → terminated`. */
function phrase(view: CloudEventView, now: number): string {
  const next = cloudEventCountdown(view, now);
  const what = describeCloudEvent(view).replace(/ at \S+$/, '');
  if (next !== null) return `${what} ${next.what === 'notice' ? 'notice in' : next.what === 'end' ? 'ends in' : 'in'} ${formatDuration(next.at - now)}`;
  if (view.kind !== 'rebalance' && view.fired !== null) return `${what} → ${view.fired.outcome}`;
  return `${what} ${cloudEventStatus(view, now)}`;
}

/**
 * The instance's EVENT cell in the instances pane: the countdown of the pending event due soonest
 * (`spot 1m52s`, `maint due`), else what the last fired one did (`stopped`); null without events.
 */
export function eventCell(events: readonly CloudEventView[], now: number): { text: string; color: string | undefined } | null {
  let soonest: { view: CloudEventView; at: number } | null = null;
  for (const view of events) {
    const next = cloudEventCountdown(view, now);
    if (next !== null && (soonest === null || next.at < soonest.at)) soonest = { view, at: next.at };
  }
  if (soonest !== null) return { text: `${SHORT[soonest.view.kind]} ${formatDuration(soonest.at - now)}`, color: 'yellow' };
  const due = events.find((v) => cloudEventStatus(v, now) === 'due');
  if (due !== undefined) return { text: `${SHORT[due.kind]} due`, color: 'yellow' };
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const view = events[i];
    if (view !== undefined && view.kind !== 'rebalance' && view.fired !== null) return { text: view.fired.outcome, color: view.fired.outcome === 'failed' ? 'red' : undefined };
  }
  const last = events[events.length - 1];
  return last === undefined ? null : { text: `${SHORT[last.kind]} ${cloudEventStatus(last, now)}`, color: undefined };
}

/** The detail view's line: each of the instance's events in a few words, pending ones first. */
export function eventsLine(events: readonly CloudEventView[], now: number): string {
  const pending = events.filter((v) => cloudEventCountdown(v, now) !== null || cloudEventStatus(v, now) === 'due');
  const rest = events.filter((v) => !pending.includes(v));
  return `Cloud events: ${[...pending, ...rest].map((v) => phrase(v, now)).join(' · ')}`;
}
