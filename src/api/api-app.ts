import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Controller } from '../controller/controller.js';
import type { FaultBook } from '../core/fault-book.js';
import type { LaunchInput } from '../core/launch.js';
import { asCodedError, errors, isMinicloudError } from '../errors/catalogue.js';
import type { EventBus } from '../events/event-bus.js';
import { registerCloudEventRoutes } from './cloud-event-routes.js';
import { createEventStreamWriter } from './event-stream-writer.js';
import { registerFaultRoutes } from './fault-routes.js';
import type { MinicloudEvent } from '../domain/events.js';
import {
  apiErrorBody,
  CONSOLE_UPGRADE,
  ConsoleQuerySchema,
  DEFAULT_SUMMARY_KEEP,
  EventsQuerySchema,
  LaunchBodySchema,
  MetadataLogQuerySchema,
  MetadataPatchSchema,
  RefParamsSchema,
  SUMMARY_FLUSH_MS,
  type ApiErrorBody,
  type CloudStatus,
  type EventsQuery,
  type LaunchBody,
} from './api-schemas.js';

export type ApiController = Pick<Controller, 'launch' | 'list' | 'info' | 'remove' | 'setMetadata' | 'password' | 'diagnosis' | 'metadataLog' | 'consoleLog' | 'prune' | 'attachConsole' | 'scheduleCloudEvent' | 'cancelCloudEvent' | 'listCloudEvents'>;

export interface ApiDeps {
  controller: ApiController;
  bus: EventBus;
  /** The metadata server's fault rules (`minicloud fault`, /v1/faults); absent (an API without a metadata server): no fault routes. */
  faults?: FaultBook;
  status: () => CloudStatus;
  /** `minicloud down`: called after the answer is sent; the owner shuts the cloud down. */
  onShutdown: () => void;
}

type Ref = Static<typeof RefParamsSchema>;

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** The body as the controller takes it (absent fields stay absent: the controller's defaults fill them). */
function launchRequestFrom(body: LaunchBody): LaunchInput {
  const { cpus, memoryMiB, diskBytes, datasource, imdsv2, ...rest } = body;
  return {
    ...rest,
    userData: body.userData.map(b64),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(diskBytes !== undefined ? { diskBytes } : {}),
    ...(datasource !== undefined ? { datasource } : {}),
    ...(imdsv2 !== undefined ? { imdsv2 } : {}),
  };
}

/**
 * The controller's JSON API, served on the unix socket $MINICLOUD_HOME/controller.sock (file
 * permissions are the access control: only who can open the socket can drive the cloud).
 * Never listens itself; `up` does. Coded errors answer with their HTTP status and an ApiErrorBody.
 */
export function buildApiApp(deps: ApiDeps): FastifyInstance {
  // Unknown body fields are an error, not silently dropped: a typo in a client must not go unnoticed.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  const { controller } = deps;

  app.setErrorHandler((err, _req, reply) => {
    // Schema validation failed: the client sent something the API does not accept (a usage error).
    const validation = !isMinicloudError(err) && (err as { validation?: unknown }).validation !== undefined;
    const coded = validation ? errors.usage(`bad request: ${(err as Error).message}`) : asCodedError(err);
    return reply.status(validation ? 400 : coded.httpStatus).send(apiErrorBody(coded));
  });

  app.get('/v1/status', async () => deps.status());
  app.get('/v1/instances', async () => controller.list());
  app.post<{ Body: LaunchBody }>('/v1/instances', { schema: { body: LaunchBodySchema } }, async (req, reply) => {
    const created = controller.launch(launchRequestFrom(req.body));
    return reply.status(201).send(created);
  });
  app.get<{ Params: Ref }>('/v1/instances/:ref', { schema: { params: RefParamsSchema } }, async (req) => controller.info(req.params.ref));
  app.delete<{ Params: Ref }>('/v1/instances/:ref', { schema: { params: RefParamsSchema } }, async (req) => ({ deleted: controller.remove([req.params.ref]) }));
  app.delete('/v1/instances', async () => ({ deleted: controller.remove('all') }));
  app.patch<{ Params: Ref; Body: Static<typeof MetadataPatchSchema> }>('/v1/instances/:ref/metadata', { schema: { params: RefParamsSchema, body: MetadataPatchSchema } }, async (req) =>
    controller.setMetadata(req.params.ref, {
      ...(req.body.meta ? { meta: req.body.meta } : {}),
      ...(req.body.userData !== undefined ? { userData: req.body.userData === null ? null : b64(req.body.userData) } : {}),
    }),
  );
  // The password the guest posted to the OpenStack password route (Nova's `get-password`); null if none.
  app.get<{ Params: Ref }>('/v1/instances/:ref/password', { schema: { params: RefParamsSchema } }, async (req) => ({ password: controller.password(req.params.ref) }));
  app.get<{ Params: Ref }>('/v1/instances/:ref/diagnosis', { schema: { params: RefParamsSchema } }, async (req) => ({ diagnosis: controller.diagnosis(req.params.ref) }));
  app.get<{ Params: Ref; Querystring: Static<typeof ConsoleQuerySchema> }>('/v1/instances/:ref/console', { schema: { params: RefParamsSchema, querystring: ConsoleQuerySchema } }, async (req, reply) => {
    const { data, nextOffset, path } = await controller.consoleLog(req.params.ref, req.query.offset ?? 0);
    return reply.header('content-type', 'application/octet-stream').header('x-next-offset', String(nextOffset)).header('x-console-path', path).send(data);
  });
  app.get<{ Querystring: Static<typeof MetadataLogQuerySchema> }>('/v1/metadata-log', { schema: { querystring: MetadataLogQuerySchema } }, async (req) =>
    controller.metadataLog({
      ...(req.query.instance ? { ref: req.query.instance } : {}),
      ...(req.query.since !== undefined ? { sinceTime: req.query.since } : {}),
      ...(req.query.limit !== undefined ? { limit: req.query.limit } : {}),
    }),
  );
  if (deps.faults) registerFaultRoutes(app, deps.faults);
  registerCloudEventRoutes(app, controller);
  app.post('/v1/prune', async () => controller.prune());
  app.post('/v1/down', async (_req, reply) => {
    reply.raw.once('finish', () => deps.onShutdown());
    return reply.send({ stopping: true });
  });

  // NDJSON event stream: one MinicloudEvent per line; with follow, stays open until the client goes.
  // `requests=summary` applies to followed streams (the replayed history included); without
  // follow the retained history (bounded by the bus) is sent as it is.
  const followers = new Set<() => void>();
  app.get<{ Querystring: EventsQuery }>('/v1/events', { schema: { querystring: EventsQuerySchema } }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    const write = (e: MinicloudEvent) => res.write(`${JSON.stringify(e)}\n`);
    if (!req.query.follow) {
      for (const e of deps.bus.recent()) write(e);
      res.end();
      return;
    }
    // Batched and bounded (event-stream-writer.ts): a follower costs the publisher a push per event.
    const stream = createEventStreamWriter(res, req.query.requests === 'summary' ? { keepRequests: req.query.keep ?? DEFAULT_SUMMARY_KEEP, flushMs: SUMMARY_FLUSH_MS } : {});
    const unsubscribe = deps.bus.subscribe((e) => stream.push(e), { replay: req.query.replay ?? false });
    const follower = (): void => {
      unsubscribe();
      stream.end();
      // The client's agent would keep the connection for its next request, and the server's close wait for it.
      res.once('finish', () => res.socket?.end());
    };
    followers.add(follower);
    res.once('close', () => {
      followers.delete(follower);
      unsubscribe();
      stream.close();
    });
  });
  // Followed streams never end by themselves: closing the app ends them (what was queued is sent), so
  // the controller's shutdown does not wait for attached dashboards, and they see the stream end.
  app.addHook('preClose', (done) => {
    for (const end of [...followers]) end();
    done();
  });

  serveConsoleAttach(app, controller);
  return app;
}

const CONSOLE_ATTACH = /^\/v1\/instances\/([^/?]+)\/console\/attach$/;

/**
 * `minicloud console`: an HTTP Upgrade on the API socket. After `101 Switching Protocols` the connection
 * is the guest's serial line both ways (the hypervisor's attachConsole); either side closing ends it.
 * A refusal is a normal HTTP answer with an ApiErrorBody, so the client maps it to the same coded error.
 */
function serveConsoleAttach(app: FastifyInstance, controller: ApiController): void {
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const ref = CONSOLE_ATTACH.exec(req.url ?? '')?.[1];
    const refuse = (status: number, body: ApiErrorBody): void => {
      const json = JSON.stringify(body);
      socket.end(`HTTP/1.1 ${status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`);
    };
    if (ref === undefined || req.headers.upgrade !== CONSOLE_UPGRADE) {
      refuse(404, apiErrorBody(errors.usage(`no upgrade at ${req.url ?? ''}`)));
      return;
    }
    controller.attachConsole(decodeURIComponent(ref)).then(
      (guest) => {
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: ${CONSOLE_UPGRADE}\r\nconnection: Upgrade\r\n\r\n`);
        if (head.length > 0) guest.write(head);
        socket.pipe(guest);
        guest.pipe(socket);
        const end = (): void => {
          guest.destroy();
          socket.destroy();
        };
        // The server's sockets allow half-open: a client that goes away only sends 'end'.
        socket.once('end', end);
        socket.once('close', end);
        guest.once('end', end);
        guest.once('close', end);
        socket.on('error', end);
        guest.on('error', end);
      },
      (err: unknown) => {
        const coded = asCodedError(err);
        refuse(coded.httpStatus, apiErrorBody(coded));
      },
    );
  });
}
