import type { CloudEventNews, CloudEventView } from '../domain/cloud-event.js';
import { actionTime } from './cloud-event-timeline.js';
import { formatDuration } from './units.js';

/** Plain-text renderings of cloud events for `events`, `event ls` and the TUI. Pure. */

/** UTC `HH:MM:SSZ` on the day of the event, the full date when it is another day than `relativeTo`. */
export function eventClock(at: number, relativeTo: number): string {
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return iso.slice(0, 10) === new Date(relativeTo).toISOString().slice(0, 10) ? iso.slice(11) : iso;
}

/** What the event is: `spot terminate at 12:02:00Z`, `maintenance system-reboot 13:00:00Z–15:00:00Z`, `rebalance recommendation`. */
export function describeCloudEvent(view: CloudEventView): string {
  const noAct = 'act' in view && !view.act ? ' (no-act)' : '';
  switch (view.kind) {
    case 'spot':
      return `spot ${view.action} at ${eventClock(view.actionAt, view.at)}${noAct}`;
    case 'maintenance':
      return `maintenance ${view.code} ${eventClock(view.notBefore, view.at)}–${eventClock(view.notAfter, view.at)}${noAct}`;
    case 'rebalance':
      return 'rebalance recommendation';
  }
}

/** One event-stream line's text (after its time stamp). */
export function cloudEventNewsText(news: CloudEventNews): string {
  const head = `${news.event.instanceName} ${news.event.id}`;
  const what = describeCloudEvent(news.event);
  switch (news.type) {
    case 'cloud.event.scheduled':
      return `${head} scheduled: ${what}${news.event.noticeAt > news.at ? `, notice at ${eventClock(news.event.noticeAt, news.at)}` : ''}`;
    case 'cloud.event.notice':
      return `${head} notice: ${what}`;
    case 'cloud.event.fired': {
      const detail = news.event.kind === 'rebalance' ? null : (news.event.fired?.detail ?? null);
      return `${head} fired: ${what} → ${news.outcome}${detail === null ? '' : ` (${detail})`}, ${formatDuration(Math.max(0, news.lateMs))} after the announced time`;
    }
    case 'cloud.event.completed':
      return `${head} completed: ${what}`;
    case 'cloud.event.canceled':
      return `${head} canceled: ${what}`;
  }
}

/**
 * What the event waits for next, and when: its notice (made for later), its action time, or (a
 * maintenance window that opened) the window's end. Null once nothing is ahead.
 */
export function cloudEventCountdown(view: CloudEventView, now: number): { what: 'notice' | 'action' | 'end'; at: number } | null {
  if (view.canceledAt !== null) return null;
  if (now < view.noticeAt) return { what: 'notice', at: view.noticeAt };
  const action = actionTime(view);
  const fired = view.kind !== 'rebalance' && view.fired !== null;
  if (action !== null && now < action && !fired) return { what: 'action', at: action };
  if (view.kind === 'maintenance' && now < view.notAfter) return { what: 'end', at: view.notAfter };
  return null;
}

/** Whether a stream event is cloud-event news (`cloud.event.*`). */
export function isCloudEventNews(event: { type: string }): event is CloudEventNews {
  return event.type.startsWith('cloud.event.');
}
