import { rfc3339 } from '../../core/derived-ids.js';
import { cloudEventStatus, isAnnounced } from '../../core/cloud-event-timeline.js';
import type { CloudEvent, MaintenanceEvent, RebalanceEvent, SpotEvent } from '../../domain/cloud-event.js';
import { dir, textLeaf, type MetadataDir } from '../metadata-tree.js';
import { ec2VersionIncludes, type Ec2Version } from './ec2-versions.js';

/** What the cloud events add to an EC2 `meta-data/` directory; undefined entries are not listed. */
export interface Ec2EventEntries {
  spot: MetadataDir | undefined;
  events: MetadataDir | undefined;
  autoscaling: MetadataDir | undefined;
}

/**
 * The `meta-data/` entries the instance's cloud events make at `now`, as EC2 serves them (docs/events.md):
 *   - `spot/instance-action` `{"action":"…","time":"…"}` and, for a terminate, `spot/termination-time`,
 *     from the notice on; before it (or after a cancel) `spot/` is not there and both paths are 404;
 *   - `events/maintenance/scheduled` (active events) and `events/maintenance/history` (completed and
 *     canceled ones): JSON lists, `[ ]` when empty, always there;
 *   - `events/recommendations/rebalance` `{"noticeTime":"…"}` from the notice on, listed only then;
 *   - `autoscaling/target-lifecycle-state`: `InService`, `Terminated` once a spot terminate is announced.
 * Each from the metadata version EC2 introduced it in. Pure: a function of the events and the clock.
 */
export function ec2EventEntries(events: readonly CloudEvent[], now: number, version: Ec2Version): Ec2EventEntries {
  const since = (v: string): boolean => ec2VersionIncludes(version, v);
  const spot = latestAnnounced(events.filter((e): e is SpotEvent => e.kind === 'spot'), now);
  const rebalance = latestAnnounced(events.filter((e): e is RebalanceEvent => e.kind === 'rebalance'), now);
  const maintenance = events.filter((e): e is MaintenanceEvent => e.kind === 'maintenance');
  return {
    spot: spot !== undefined && since('2014-11-05') ? nonEmpty(spotDir(spot, since)) : undefined,
    events: since('2018-08-17')
      ? dir({
          maintenance: dir({
            scheduled: textLeaf(maintenanceList(maintenance.filter((e) => isScheduled(e, now)), 'active')),
            history: textLeaf(maintenanceList(maintenance.filter((e) => isHistory(e, now)), 'history')),
          }),
          recommendations: rebalance !== undefined && since('2020-11-04') ? dir({ rebalance: textLeaf(JSON.stringify({ noticeTime: rfc3339(rebalance.noticeAt) })) }) : undefined,
        })
      : undefined,
    autoscaling: since('2021-07-15') ? dir({ 'target-lifecycle-state': textLeaf(spot?.action === 'terminate' ? 'Terminated' : 'InService') }) : undefined,
  };
}

function spotDir(spot: SpotEvent, since: (v: string) => boolean): MetadataDir {
  return dir({
    'instance-action': since('2016-11-15') ? textLeaf(JSON.stringify({ action: spot.action, time: rfc3339(spot.actionAt) })) : undefined,
    // AWS documents termination-time for Spot Instances marked for termination only.
    'termination-time': spot.action === 'terminate' ? textLeaf(rfc3339(spot.actionAt)) : undefined,
  });
}

function nonEmpty(d: MetadataDir): MetadataDir | undefined {
  return d.entries.size > 0 ? d : undefined;
}

/** The most recently announced event that stands (one notice at a time, as EC2 shows it). */
function latestAnnounced<E extends CloudEvent>(events: readonly E[], now: number): E | undefined {
  let latest: E | undefined;
  for (const e of events) if (isAnnounced(e, now) && (latest === undefined || e.noticeAt >= latest.noticeAt)) latest = e;
  return latest;
}

function isScheduled(e: MaintenanceEvent, now: number): boolean {
  const status = cloudEventStatus(e, now);
  return status === 'notice' || status === 'due' || status === 'fired';
}

/** Completed, or canceled after the guest saw it (a notice withdrawn before it showed never existed for the guest). */
function isHistory(e: MaintenanceEvent, now: number): boolean {
  if (e.canceledAt !== null) return e.canceledAt >= e.noticeAt && now >= e.noticeAt;
  return cloudEventStatus(e, now) === 'completed';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** EC2's maintenance time format: `21 Jan 2019 09:00:43 GMT`. */
export function maintenanceTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

/**
 * A list of maintenance events laid out as EC2's documentation shows it (`"Key" : "value"`, the keys in
 * its order: NotBefore, Code, Description, EventId, NotAfter, State); `[ ]` when empty. History entries
 * say `completed` or `canceled`, their Description prefixed `[Completed] ` or `[Canceled] `.
 */
function maintenanceList(events: readonly MaintenanceEvent[], list: 'active' | 'history'): string {
  if (events.length === 0) return '[ ]';
  const sorted = [...events].sort((a, b) => a.notBefore - b.notBefore || (a.id < b.id ? -1 : 1));
  const items = sorted.map((e) => {
    const state = list === 'active' ? 'active' : e.canceledAt !== null ? 'canceled' : 'completed';
    const prefix = state === 'canceled' ? '[Canceled] ' : state === 'completed' ? '[Completed] ' : '';
    const fields: [string, string][] = [
      ['NotBefore', maintenanceTime(e.notBefore)],
      ['Code', e.code],
      ['Description', `${prefix}${e.description}`],
      ['EventId', e.id],
      ['NotAfter', maintenanceTime(e.notAfter)],
      ['State', state],
    ];
    return `  {\n${fields.map(([k, v]) => `    ${JSON.stringify(k)} : ${JSON.stringify(v)}`).join(',\n')}\n  }`;
  });
  return `[ \n${items.join(', \n')} \n]`;
}
