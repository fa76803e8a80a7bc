import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Controller } from '../controller/controller.js';
import { MAINTENANCE_WINDOW_MS, SPOT_NOTICE_MS } from '../core/cloud-event-spec.js';
import { CloudEventViewSchema, MaintenanceCodeSchema } from '../core/cloud-event-schema.js';
import { errors } from '../errors/catalogue.js';
import { RefParamsSchema } from './api-schemas.js';

/** What the cloud-event routes need of the controller. */
export type CloudEventController = Pick<Controller, 'scheduleCloudEvent' | 'cancelCloudEvent' | 'listCloudEvents'>;

const Ms = Type.Integer({ minimum: 0 });

/** `POST /v1/instances/:ref/cloud-events/spot`; fields left out: terminate, 2 minutes, acted on. */
export const SpotBodySchema = Type.Object(
  {
    action: Type.Optional(Type.Union([Type.Literal('terminate'), Type.Literal('stop'), Type.Literal('hibernate')])),
    inMs: Type.Optional(Ms),
    act: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SpotBody = Static<typeof SpotBodySchema>;

/** `POST /v1/instances/:ref/cloud-events/maintenance`: exactly one of `notBefore` (epoch ms) and `inMs`; a 2-hour system-reboot by default. */
export const MaintenanceBodySchema = Type.Object(
  {
    code: Type.Optional(MaintenanceCodeSchema),
    notBefore: Type.Optional(Ms),
    inMs: Type.Optional(Ms),
    durationMs: Type.Optional(Ms),
    act: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type MaintenanceBody = Static<typeof MaintenanceBodySchema>;

const EmptyBodySchema = Type.Object({}, { additionalProperties: false });
const EventIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1 }) });
const ViewResponse = { 200: CloudEventViewSchema, 201: CloudEventViewSchema };

/**
 * Cloud events over the controller API (docs/events.md):
 *   GET    /v1/cloud-events                               every event with its status (CloudEventView[])
 *   POST   /v1/instances/:ref/cloud-events/spot           SpotBody → 201 CloudEventView
 *   POST   /v1/instances/:ref/cloud-events/maintenance    MaintenanceBody → 201
 *   POST   /v1/instances/:ref/cloud-events/rebalance      {} → 201
 *   DELETE /v1/cloud-events/:id                           cancels → the canceled CloudEventView
 * Errors: 404 MC_ERR_INSTANCE_NOT_FOUND / MC_ERR_EVENT_NOT_FOUND, 409 MC_ERR_EVENT_INSTANCE_STATE /
 * MC_ERR_EVENT_NOT_PENDING, 400 MC_ERR_EVENT_INVALID (a time out of range) or MC_ERR_USAGE (the body).
 */
export function registerCloudEventRoutes(app: FastifyInstance, controller: CloudEventController): void {
  type Ref = Static<typeof RefParamsSchema>;
  app.get('/v1/cloud-events', { schema: { response: { 200: Type.Array(CloudEventViewSchema) } } }, async () => controller.listCloudEvents());
  app.post<{ Params: Ref; Body: SpotBody }>('/v1/instances/:ref/cloud-events/spot', { schema: { params: RefParamsSchema, body: SpotBodySchema, response: ViewResponse } }, async (req, reply) => {
    const body = req.body;
    const view = controller.scheduleCloudEvent(req.params.ref, { kind: 'spot', action: body.action ?? 'terminate', inMs: body.inMs ?? SPOT_NOTICE_MS, act: body.act ?? true });
    return reply.status(201).send(view);
  });
  app.post<{ Params: Ref; Body: MaintenanceBody }>('/v1/instances/:ref/cloud-events/maintenance', { schema: { params: RefParamsSchema, body: MaintenanceBodySchema, response: ViewResponse } }, async (req, reply) => {
    const body = req.body;
    if ((body.notBefore === undefined) === (body.inMs === undefined)) throw errors.cloudEventInvalid('maintenance', 'give exactly one of notBefore (epoch ms) and inMs');
    const at = body.notBefore !== undefined ? { notBefore: body.notBefore } : { inMs: body.inMs ?? 0 };
    const view = controller.scheduleCloudEvent(req.params.ref, { kind: 'maintenance', code: body.code ?? 'system-reboot', at, durationMs: body.durationMs ?? MAINTENANCE_WINDOW_MS, act: body.act ?? true });
    return reply.status(201).send(view);
  });
  app.post<{ Params: Ref }>('/v1/instances/:ref/cloud-events/rebalance', { schema: { params: RefParamsSchema, body: EmptyBodySchema, response: ViewResponse } }, async (req, reply) =>
    reply.status(201).send(controller.scheduleCloudEvent(req.params.ref, { kind: 'rebalance' })),
  );
  app.delete<{ Params: Static<typeof EventIdParamsSchema> }>('/v1/cloud-events/:id', { schema: { params: EventIdParamsSchema, response: { 200: CloudEventViewSchema } } }, async (req) => controller.cancelCloudEvent(req.params.id));
}
