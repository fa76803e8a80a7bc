import Fastify, { type FastifyInstance } from 'fastify';
import type { IamRole } from '../domain/instance.js';
import type { EventBus } from '../events/event-bus.js';
import { errors } from '../errors/catalogue.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceStore, RequestLogStore } from '../ports/store.js';
import { derivedHex } from '../core/derived-ids.js';
import { FaultBook } from '../core/fault-book.js';
import { createClientErrorHandler } from './client-errors.js';
import { InstanceViews } from './instance-views.js';
import { cloudConstraint, registerCloudApis } from './cloud-routes.js';
import type { CloudMetadata, MetadataContext } from './metadata-api.js';
import { METADATA_LIMITS, type MetadataLimits } from './metadata-limits.js';
import { createMetadataErrorHandler } from './metadata-error-handler.js';
import { createFaultInjector } from './inject-faults.js';
import { createRecordSink, createRequestRecorder } from './record-requests.js';
import { sendNotFound, sendRefusal } from './reply-helpers.js';
import { refusedRequest } from './request-gate.js';
import { routeNodeRequests } from './route-node-requests.js';
import { sourceAddress } from './request-context.js';

/** Identity details the trees show that no instance record carries. All optional, with stable defaults. */
export interface IamDefaults {
  /**
   * Role served under `meta-data/iam/` to instances whose record has no `iamRole`. Omitted: such
   * instances have no `iam/` directory, as on EC2 without an instance profile. Test credentials only.
   */
  role?: IamRole;
  /** AWS account id in the identity document, IAM ARNs and `owner-id`. Default `123456789012`. */
  accountId?: string;
  /** Nova `project_id` in meta_data.json. Default: 32 hex digits derived from the account id. */
  projectId?: string;
}

export interface MetadataAppDeps {
  instances: InstanceStore;
  requestLog: RequestLogStore;
  bus: EventBus;
  clock: Clock;
  /** Per-cloud secret keying the IMDSv2 token MAC; at least 32 bytes (else MC_ERR_METADATA_TOKEN_SECRET). */
  tokenSecret: Uint8Array;
  iamDefaults?: IamDefaults;
  /** Overrides of METADATA_LIMITS (tests use short timeouts). */
  limits?: Partial<MetadataLimits>;
  /** Every cloud and the APIs its instances are served (the cloud registry's metadata side). */
  clouds: readonly CloudMetadata[];
  /** Fault rules (docs/faults.md), added and removed while the app runs. Absent: none, ever. */
  faults?: FaultBook;
}

/**
 * The metadata server as a fastify app that never listens: the caller (`minicloud metadata serve`, the
 * controller) calls `app.listen`, tests call `app.inject({ remoteAddress })`.
 *
 * Who is asking is the TCP source address (DNAT keeps the guest's address); X-Forwarded-For is never
 * trusted. Every answered request is recorded to `requestLog` and published on `bus`.
 */
export function buildMetadataApp(deps: MetadataAppDeps): FastifyInstance {
  if (deps.tokenSecret.byteLength < 32) throw errors.metadataTokenSecretWeak(deps.tokenSecret.byteLength);
  const { clock, bus } = deps;
  const now = () => clock.now();
  const accountId = deps.iamDefaults?.accountId ?? '123456789012';
  const projectId = deps.iamDefaults?.projectId ?? derivedHex(`project:${accountId}`, 32);

  const limits: MetadataLimits = { ...METADATA_LIMITS, ...deps.limits };
  const handleError = createMetadataErrorHandler(bus, now);
  const sink = createRecordSink(deps.requestLog, bus, now);
  const recordRequest = createRequestRecorder(sink);
  const views = new InstanceViews(deps.instances, { accountId, defaultIamRole: deps.iamDefaults?.role ?? null, now });
  const app = Fastify({
    logger: false,
    trustProxy: false,
    exposeHeadRoutes: false, // routes take HEAD explicitly; Node sends no body for it, Content-Length stays
    // While closing, requests still arriving on open connections are answered (with Connection: close)
    // through the hooks and recorded, instead of fastify's own unrecorded 503.
    return503OnClosing: false,
    bodyLimit: limits.bodyLimit,
    // node:http's own limits. headersTimeout and requestTimeout go to createServer as well: node derives
    // headersTimeout from requestTimeout only there, and fastify sets requestTimeout after construction.
    http: {
      maxHeaderSize: limits.maxHeaderBytes,
      // A missing Host is refused by refusedRequest (request-gate.ts), through the hooks and the log.
      requireHostHeader: false,
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
    },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    routerOptions: {
      // Routes answer only the instances of the cloud that registered them (cloud-routes.ts).
      constraints: { cloud: cloudConstraint(views) },
      ignoreDuplicateSlashes: true,
      ignoreTrailingSlash: true,
      maxParamLength: limits.maxPathSegmentLength,
    },
    clientErrorHandler: createClientErrorHandler({ sink, views, clock, limits }),
    // Malformed percent-encoding in the URL: the router rejects it before any hook; answer it as a coded 400.
    frameworkErrors: (err, request, reply) => {
      request.metadataArrivedAt = clock.now();
      request.metadataSource = sourceAddress(request.socket.remoteAddress);
      // The router gave up before routing: no instance lookup, no flavour.
      request.metadataView = null;
      request.metadataFlavour = null;
      handleError(err, request, reply);
      // No route context, so onResponse hooks do not run: record it here.
      recordRequest(request, reply, () => {});
    },
  });

  // Bodies stay raw bytes whatever their Content-Type (the password is opaque to Nova too).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.decorateRequest('metadataView', null);
  app.decorateRequest('metadataSource', '');
  app.decorateRequest('metadataArrivedAt', 0);
  app.decorateRequest('metadataFlavour', null);
  app.decorateRequest('metadataFault', null);

  const unmetExpectations = routeNodeRequests(app, { idleTimeoutMs: limits.idleTimeoutMs });
  const faults = deps.faults ?? new FaultBook({ now, seed: () => 0, clouds: [], publish: () => {} });
  const injectFault = createFaultInjector(app, { faults, sink });
  app.addHook('onRequest', (request, reply, done) => {
    request.metadataArrivedAt = clock.now();
    const ip = sourceAddress(request.socket.remoteAddress);
    request.metadataSource = ip;
    const view = views.forSource(ip);
    request.metadataView = view;
    const refused = refusedRequest(request, unmetExpectations);
    // Fault rules come after the gate and the lookup, before any handler; with none, one comparison.
    if (refused === null && view !== null) return faults.activeCount === 0 ? done() : injectFault(request, reply, done);
    // Answered here, so done() is not called: no handler runs. A malformed request is no flavour's;
    // an unknown source is recorded as the flavour of the route it asked for.
    request.metadataFlavour = refused === null ? (request.routeOptions.config?.flavour ?? null) : null;
    sendRefusal(request, reply, refused ?? errors.metadataUnknownSource(ip === '' ? '(none)' : ip));
  });
  app.addHook('onResponse', recordRequest);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendNotFound(request, reply));

  const context: MetadataContext = { clock, instances: deps.instances, bus, tokenSecret: deps.tokenSecret, accountId, projectId };
  registerCloudApis(app, deps.clouds, context);
  return app;
}
