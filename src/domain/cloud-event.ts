/**
 * Cloud events: what the cloud announces to an instance and then does to it (docs/events.md). EC2's spot
 * interruption, scheduled maintenance and rebalance recommendation; GCE shows the same events as
 * `maintenance-event` and `preempted`. An event is part of its instance's record (InstanceRecord.cloudEvents),
 * so what a guest reads is a pure function of the record and the clock, and nothing recorded is lost when
 * the controller restarts. Pure data; times are epoch milliseconds.
 */

/** What the cloud does to a spot instance it interrupts (EC2's instance-action `action`). */
export type SpotAction = 'terminate' | 'stop' | 'hibernate';
export const SPOT_ACTIONS: readonly SpotAction[] = ['terminate', 'stop', 'hibernate'];

/** EC2's scheduled event codes (the EC2 API's InstanceStatusEvent `code`). */
export type MaintenanceCode = 'system-reboot' | 'instance-reboot' | 'system-maintenance' | 'instance-retirement' | 'instance-stop';
export const MAINTENANCE_CODES: readonly MaintenanceCode[] = ['system-reboot', 'instance-reboot', 'system-maintenance', 'instance-retirement', 'instance-stop'];

/** What happened when an event's time came (`cloud.event.fired`, `event ls`). */
export type CloudEventOutcome =
  /** The guest was powered off (ACPI, then forced) and stays stopped. */
  | 'stopped'
  /** The instance was deleted (guest, disk and records). */
  | 'terminated'
  /** The guest was powered off and started again. */
  | 'rebooted'
  /** The event asks nothing of the guest (system-maintenance). */
  | 'none'
  /** The event was made with `--no-act`: the notice stays, the guest keeps running. */
  | 'not-acted'
  /** No controller runs the instance (`metadata serve`): the time passed, nothing was done. */
  | 'no-controller'
  /** The guest could not be acted on (the hypervisor failed); `detail` says why. */
  | 'failed';

/** What the controller recorded when it acted on the event. */
export interface CloudEventFiring {
  at: number;
  outcome: CloudEventOutcome;
  /** Why it failed; null otherwise. */
  detail: string | null;
}

interface CloudEventBase {
  /** `instance-event-` and 17 hex digits (EC2's EventId form); unique in the cloud. */
  id: string;
  /** When the guest first sees the notice (the time the event was made, unless an instances file delays it). */
  noticeAt: number;
  /** When `event cancel` withdrew it; null while it stands. */
  canceledAt: number | null;
}

/** A spot interruption: the notice (`spot/instance-action`), then `action` at `actionAt`. */
export interface SpotEvent extends CloudEventBase {
  kind: 'spot';
  action: SpotAction;
  actionAt: number;
  /** False with `--no-act`: the notice is served, the guest is left running. */
  act: boolean;
  fired: CloudEventFiring | null;
}

/** A scheduled maintenance event: announced, acted on at `notBefore`, over (history) at `notAfter`. */
export interface MaintenanceEvent extends CloudEventBase {
  kind: 'maintenance';
  code: MaintenanceCode;
  /** EC2's `Description` (free text there; minicloud writes one per code). */
  description: string;
  notBefore: number;
  notAfter: number;
  act: boolean;
  fired: CloudEventFiring | null;
}

/** A rebalance recommendation: a notice only (`events/recommendations/rebalance`). */
export interface RebalanceEvent extends CloudEventBase {
  kind: 'rebalance';
}

export type CloudEvent = SpotEvent | MaintenanceEvent | RebalanceEvent;

/**
 * Where an event stands at a moment: `scheduled` (the guest does not see it yet), `notice` (it does; the
 * action time is ahead), `due` (the action time passed and the cloud has not acted yet), `fired` (it
 * acted, or recorded why not), `completed` (a maintenance window ended), `canceled`.
 */
export type CloudEventStatus = 'scheduled' | 'notice' | 'due' | 'fired' | 'completed' | 'canceled';

/** An event with its instance and its status at `at`: what `event ls`, the API and the event stream carry. */
export type CloudEventView = CloudEvent & {
  instanceId: string;
  instanceName: string;
  status: CloudEventStatus;
  /** The time the status was computed for. */
  at: number;
};

/**
 * What the event stream says about cloud events (`minicloud events`, the TUI, GCE's long-polls); `event`
 * is the event as it stands after the change.
 */
export type CloudEventNews =
  /** Made (`minicloud event …`, the API, an instances file). */
  | { type: 'cloud.event.scheduled'; at: number; instanceId: string; event: CloudEventView }
  /** A notice made for later became visible to the guest. */
  | { type: 'cloud.event.notice'; at: number; instanceId: string; event: CloudEventView }
  /** The action time came: what the cloud did (`outcome`), and how long after the announced time (`lateMs`). */
  | { type: 'cloud.event.fired'; at: number; instanceId: string; event: CloudEventView; outcome: CloudEventOutcome; lateMs: number }
  /** A maintenance window ended: the event moved to EC2's history as completed. */
  | { type: 'cloud.event.completed'; at: number; instanceId: string; event: CloudEventView }
  | { type: 'cloud.event.canceled'; at: number; instanceId: string; event: CloudEventView };
