import { Type, type Static } from '@sinclair/typebox';
import type { CloudEvent, CloudEventView } from '../domain/cloud-event.js';

/**
 * The CloudEvent contract as a TypeBox schema, checked wherever events cross an edge: SQLite rows
 * (instances.cloud_events) and the controller API's answers. The compile-time checks at the end keep it
 * and the domain type the same.
 */

const Epoch = Type.Integer({ minimum: 0 });
const EventId = Type.String({ pattern: '^instance-event-[0-9a-f]{17}$' });
const Outcome = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('terminated'),
  Type.Literal('rebooted'),
  Type.Literal('none'),
  Type.Literal('not-acted'),
  Type.Literal('no-controller'),
  Type.Literal('failed'),
]);
const Firing = Type.Union([
  Type.Null(),
  Type.Object({ at: Epoch, outcome: Outcome, detail: Type.Union([Type.Null(), Type.String()]) }, { additionalProperties: false }),
]);

const base = { id: EventId, noticeAt: Epoch, canceledAt: Type.Union([Type.Null(), Epoch]) };

const SpotEventSchema = Type.Object(
  {
    kind: Type.Literal('spot'),
    ...base,
    action: Type.Union([Type.Literal('terminate'), Type.Literal('stop'), Type.Literal('hibernate')]),
    actionAt: Epoch,
    act: Type.Boolean(),
    fired: Firing,
  },
  { additionalProperties: false },
);

export const MaintenanceCodeSchema = Type.Union([
  Type.Literal('system-reboot'),
  Type.Literal('instance-reboot'),
  Type.Literal('system-maintenance'),
  Type.Literal('instance-retirement'),
  Type.Literal('instance-stop'),
]);

const MaintenanceEventSchema = Type.Object(
  {
    kind: Type.Literal('maintenance'),
    ...base,
    code: MaintenanceCodeSchema,
    description: Type.String(),
    notBefore: Epoch,
    notAfter: Epoch,
    act: Type.Boolean(),
    fired: Firing,
  },
  { additionalProperties: false },
);

const RebalanceEventSchema = Type.Object({ kind: Type.Literal('rebalance'), ...base }, { additionalProperties: false });

export const CloudEventSchema = Type.Union([SpotEventSchema, MaintenanceEventSchema, RebalanceEventSchema]);

const viewFields = {
  instanceId: Type.String(),
  instanceName: Type.String(),
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('notice'), Type.Literal('due'), Type.Literal('fired'), Type.Literal('completed'), Type.Literal('canceled')]),
  at: Epoch,
};

/** An event with its instance and status, as the API answers and the event stream carries it. */
export const CloudEventViewSchema = Type.Union([
  Type.Object({ ...SpotEventSchema.properties, ...viewFields }, { additionalProperties: false }),
  Type.Object({ ...MaintenanceEventSchema.properties, ...viewFields }, { additionalProperties: false }),
  Type.Object({ ...RebalanceEventSchema.properties, ...viewFields }, { additionalProperties: false }),
]);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventSchemaMatchesType: Same<Static<typeof CloudEventSchema>, CloudEvent> = true;
const viewSchemaMatchesType: Same<Static<typeof CloudEventViewSchema>, CloudEventView> = true;
void eventSchemaMatchesType;
void viewSchemaMatchesType;
