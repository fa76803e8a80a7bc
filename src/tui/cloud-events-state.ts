import { cloudEventNewsText } from '../core/cloud-event-text.js';
import type { CloudEventNews, CloudEventView } from '../domain/cloud-event.js';

/** Cloud events the dashboard keeps (pending ones first, then the most recent others). */
const CLOUD_EVENTS_KEPT = 50;

/**
 * The dashboard's cloud events after one piece of news (docs/events.md): each event as last reported,
 * by id, in the order they were made. Pure: returns a new map when it changes anything. Beyond
 * CLOUD_EVENTS_KEPT, the oldest events that are over (fired, completed, canceled) are dropped.
 */
export function withCloudEventNews(events: ReadonlyMap<string, CloudEventView>, news: CloudEventNews): Map<string, CloudEventView> {
  const next = new Map(events);
  next.set(news.event.id, news.event);
  for (const [id, event] of next) {
    if (next.size <= CLOUD_EVENTS_KEPT) break;
    if (event.status === 'fired' || event.status === 'completed' || event.status === 'canceled') next.delete(id);
  }
  return next;
}

/** The notice line the dashboard shows for the news; a failed action is an error. */
export function cloudEventNotice(news: CloudEventNews): { at: number; level: 'info' | 'error'; message: string } {
  const failed = news.type === 'cloud.event.fired' && news.outcome === 'failed';
  return { at: news.at, level: failed ? 'error' : 'info', message: cloudEventNewsText(news) };
}
