import { cloudEventStatus, isAnnounced } from '../../core/cloud-event-timeline.js';
import type { CloudEvent } from '../../domain/cloud-event.js';
import type { GceLiveState } from './gce-documents.js';

/**
 * GCE's `instance/maintenance-event` and `instance/preempted` at `now`, from the instance's cloud events
 * (docs/events.md). Pure.
 *   - `preempted` is `TRUE` from a spot event's notice on (GCE's preemption notice; a cancel takes it back);
 *   - `maintenance-event` is `MIGRATE_ON_HOST_MAINTENANCE` for a `system-maintenance` event (the host is
 *     serviced, the VM live-migrated), `TERMINATE_ON_HOST_MAINTENANCE` for the codes that stop or reboot
 *     the VM, from the notice until the window ends (or the event is canceled); `NONE` otherwise.
 * GCE announces host maintenance about 60 s ahead; minicloud shows it from the event's notice, so an
 * event made with `--at` 60 s ahead plays GCE's timing.
 */
export function gceLiveState(events: readonly CloudEvent[], now: number): GceLiveState {
  let preempted = false;
  let maintenanceEvent = 'NONE';
  for (const event of events) {
    if (!isAnnounced(event, now)) continue;
    if (event.kind === 'spot') preempted = true;
    if (event.kind !== 'maintenance') continue;
    const status = cloudEventStatus(event, now);
    if (status !== 'notice' && status !== 'due' && status !== 'fired') continue;
    if (event.code !== 'system-maintenance') maintenanceEvent = 'TERMINATE_ON_HOST_MAINTENANCE';
    else if (maintenanceEvent === 'NONE') maintenanceEvent = 'MIGRATE_ON_HOST_MAINTENANCE';
  }
  return { maintenanceEvent, preempted };
}
