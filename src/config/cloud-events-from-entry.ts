import { derivedCloudEventId, maintenanceEvent, MAINTENANCE_WINDOW_MS, rebalanceEvent, SPOT_NOTICE_MS, spotEvent } from '../core/cloud-event-spec.js';
import { parseDuration } from '../core/units.js';
import type { CloudEvent } from '../domain/cloud-event.js';
import { errors, isMinicloudError } from '../errors/catalogue.js';
import type { CloudEventEntry } from './instances-file-schema.js';

/** Which fields each event type takes besides `type`, `id` and `notice`. */
const FIELDS: Readonly<Record<CloudEventEntry['type'], readonly string[]>> = {
  spot: ['action', 'in'],
  maintenance: ['code', 'at', 'duration'],
  rebalance: [],
};

export interface EventEntryContext {
  /** When the server starts: delays (`30s`) count from here. */
  startedAt: number;
  /** Makes the derived event ids of this instance unique and stable (its `ip`). */
  seed: string;
  /** JSON pointer of the entry's `events` list, for errors. */
  pointer: string;
  /** The instances file, for errors. */
  path: string;
}

/**
 * An instance entry's `events:` → its cloud events (docs/events.md, "metadata serve"). Times are a delay
 * from the server's start or a UTC time; the defaults are those of the commands (a spot notice 2 minutes
 * ahead of a terminate, a 2-hour system-reboot window). A field that does not fit the event's type, or a
 * time out of range, is MC_ERR_FILE_INVALID naming the field.
 */
export function cloudEventsFromEntry(entries: readonly CloudEventEntry[] | undefined, ctx: EventEntryContext): CloudEvent[] {
  return (entries ?? []).map((entry, index) => {
    const at = `${ctx.pointer}/${index}`;
    const allowed = new Set(['type', 'id', 'notice', ...FIELDS[entry.type]]);
    const stray = Object.keys(entry).find((key) => !allowed.has(key));
    if (stray !== undefined) throw errors.fileInvalid(ctx.path, `${at}/${stray}`, `not a field of a ${entry.type} event (it takes ${[...allowed].join(', ')})`);
    const id = entry.id ?? derivedCloudEventId(`${ctx.seed}:${index}`);
    const noticeAt = entry.notice === undefined ? ctx.startedAt : timeOf(entry.notice, ctx.startedAt);
    try {
      switch (entry.type) {
        case 'spot':
          return spotEvent(id, ctx.startedAt, { action: entry.action ?? 'terminate', inMs: entry.in === undefined ? SPOT_NOTICE_MS : parseDuration(entry.in, 'in'), act: true, noticeAt });
        case 'maintenance':
          if (entry.at === undefined) throw errors.fileInvalid(ctx.path, `${at}/at`, 'required field is missing (when the maintenance window opens)');
          return maintenanceEvent(id, ctx.startedAt, {
            code: entry.code ?? 'system-reboot',
            notBefore: timeOf(entry.at, ctx.startedAt),
            durationMs: entry.duration === undefined ? MAINTENANCE_WINDOW_MS : parseDuration(entry.duration, 'duration'),
            act: true,
            noticeAt,
          });
        case 'rebalance':
          return rebalanceEvent(id, ctx.startedAt, noticeAt);
      }
    } catch (err) {
      if (isMinicloudError(err) && err.code === errors.cloudEventInvalid.code) throw errors.fileInvalid(ctx.path, at, err.message).causedBy(err);
      throw err;
    }
  });
}

/** A delay from `startedAt` (`30s`) or a UTC time (the schema admits only those two forms). */
function timeOf(value: string, startedAt: number): number {
  return value.endsWith('Z') && value.includes('T') ? Date.parse(value) : startedAt + parseDuration(value, 'time');
}
