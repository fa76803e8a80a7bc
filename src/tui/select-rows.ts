import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { DashboardState, InstanceView } from './dashboard-state.js';

/** Pure selectors from the view model to what the panes list, in display order. */

const STATE_ORDER: Record<InstanceView['summary']['state'], number> = {
  running: 0,
  starting: 1,
  defined: 2,
  error: 3,
  stopping: 4,
  stopped: 5,
};

function matches(filter: string, fields: readonly (string | null)[]): boolean {
  if (filter === '') return true;
  const needle = filter.toLowerCase();
  return fields.some((field) => field !== null && field.toLowerCase().includes(needle));
}

/** Instances, running first, then by launch time; filtered by name, id, ip, image, stage or state. */
export function visibleInstances(state: DashboardState, filter: string): InstanceView[] {
  return Object.values(state.instances)
    .filter(({ summary: s }) => matches(filter, [s.name, s.id, s.ip, s.image, s.stage, s.state, s.datasource]))
    .sort((a, b) => STATE_ORDER[a.summary.state] - STATE_ORDER[b.summary.state] || a.summary.createdAt - b.summary.createdAt);
}

/** The instance name for a request, or its source IP when no instance owns it. */
export function requestOrigin(state: DashboardState, request: MetadataRequestRecord): string {
  const view = request.instanceId === null ? undefined : state.instances[request.instanceId];
  return view?.summary.name ?? request.instanceId ?? request.sourceIp;
}

/** Requests, oldest first, filtered by instance, path, status, method or user agent. */
export function visibleRequests(
  state: DashboardState,
  requests: readonly MetadataRequestRecord[],
  filter: string,
): readonly MetadataRequestRecord[] {
  if (filter === '') return requests;
  return requests.filter((r) =>
    matches(filter, [requestOrigin(state, r), r.instanceId, r.sourceIp, r.method, r.path, String(r.status), r.userAgent]),
  );
}

/** The selected instance: the one with `selectedId` if still listed, else the first listed. */
export function selectedInstance(list: readonly InstanceView[], selectedId: string | null): InstanceView | undefined {
  return list.find((v) => v.summary.id === selectedId) ?? list[0];
}
