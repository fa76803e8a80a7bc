import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerFactory } from 'fastify';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceStore } from '../ports/store.js';
import { replayedRecord } from './record-requests.js';
import type { MemoMethod, ResponseMemo } from './response-memo.js';
import { sourceAddress } from './request-context.js';
import { installSocketFastPath } from './socket-fast-path.js';

/** What the node:http server the factory creates needs (fastify would otherwise apply these itself). */
export interface FastPathServerOptions {
  http: ServerOptions;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
}

export interface ResponseFastPathDeps {
  instances: InstanceStore;
  clock: Clock;
  /** The same sink fastify's onResponse records into (record-requests.ts). */
  sink: (record: MetadataRequestRecord) => void;
  server: FastPathServerOptions;
  memo: ResponseMemo;
}

export interface ResponseFastPath {
  /** For `Fastify({ serverFactory })`: a node:http server whose handler consults the memo before fastify. */
  serverFactory: FastifyServerFactory;
  /** Adds the payload capture (onSend) and the drain guard (preClose) to the app. Call once, before ready. */
  attach(app: FastifyInstance): void;
  /** Call from onResponse after recording: remembers the response if it is replayable (see below). */
  capture(request: FastifyRequest, reply: FastifyReply, record: MetadataRequestRecord): void;
}

/**
 * The metadata server's response memo: an EXACT fast path, not an approximation.
 *
 * Contract. A request is answered from the memo only when fastify already answered the same (source
 * address, method, raw request target) at the store's current revision, and both requests are
 * "memo candidates": GET or HEAD, no body (no Content-Length, no Transfer-Encoding), no IMDSv2 token
 * header, no X-Forwarded-For. A response is remembered only when, in addition:
 *   - its handler declared it stable (`request.metadataStable`): a function of the instance record and the
 *     raw URL alone — so never meta_data.json (random seed), the /openstack listing (today's date), the
 *     password, the token route, a 405 or an unknown source;
 *   - the instance allows IMDSv1 (`imdsv2: optional`), so a token-less request is answered, not refused;
 *   - its status is 200 or 404 and fastify produced a Buffer or string payload;
 *   - the app is not closing (fastify then answers 503 / `Connection: close`; the memo steps aside).
 * A hit writes the status, the header object fastify passed to writeHead and the body bytes (Node
 * drops the body for HEAD, as it does for fastify), then records the request through the same sink with
 * the same fields as the slow path: the answer's instanceId/status/bytes/flavour from the slow path's
 * own record, this request's time, source, method, path, user agent, latency, and tokenUsed false.
 * Invalidation: every lookup first syncs the memo with `instances.revision()`.
 * `inject` never reaches the server handler, so tests through inject always take the slow path.
 */
export function createResponseFastPath(deps: ResponseFastPathDeps): ResponseFastPath {
  const { instances, clock, sink, memo } = deps;
  let closing = false;

  function serveFromMemo(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.method;
    const url = req.url;
    if (closing || (method !== 'GET' && method !== 'HEAD') || url === undefined) return false;
    // The raw header list, not req.headers: Node builds that object on first access, per request.
    const userAgent = candidateUserAgent(req.rawHeaders);
    if (userAgent === NOT_A_CANDIDATE) return false;
    memo.sync(instances.revision());
    const source = sourceAddress(req.socket.remoteAddress);
    const entry = memo.get(source, method, url);
    if (entry === undefined) return false;
    const time = clock.now();
    const start = performance.now();
    res.writeHead(entry.status, entry.headers);
    res.end(entry.body);
    sink(replayedRecord(entry.record, { time, sourceIp: source, method, url, userAgent, latencyMs: performance.now() - start }));
    return true;
  }

  // Mirrors fastify's own server creation (lib/server.js) for HTTP/1, with the memo in front twice: at
  // the socket for connections whose requests are all simple (socket-fast-path.ts), and in node:http's
  // request handler for connections handed over to node:http.
  const serverFactory: FastifyServerFactory = (handler) => {
    const server: Server = createServer(deps.server.http, (req, res) => {
      if (!serveFromMemo(req, res)) handler(req, res);
    });
    server.keepAliveTimeout = deps.server.keepAliveTimeoutMs;
    server.requestTimeout = deps.server.requestTimeoutMs;
    server.setTimeout(deps.server.idleTimeoutMs);
    installSocketFastPath(server, {
      instances,
      clock,
      sink,
      memo,
      keepAliveTimeoutMs: deps.server.keepAliveTimeoutMs,
      idleTimeoutMs: deps.server.idleTimeoutMs,
      maxHeadBytes: deps.server.http.maxHeaderSize ?? 16 * 1024,
    });
    return server;
  };

  return {
    serverFactory,
    attach(app) {
      app.decorateRequest('metadataStable', false);
      app.decorateRequest('metadataPayload', null);
      app.addHook('onSend', (request, _reply, payload, done) => {
        if (request.metadataStable && (typeof payload === 'string' || Buffer.isBuffer(payload))) request.metadataPayload = payload;
        done(null, payload);
      });
      app.addHook('preClose', (done) => {
        closing = true;
        done();
      });
    },
    capture(request, reply, record) {
      const payload = request.metadataPayload;
      const view = request.metadataView;
      const { method, url } = request.raw;
      if (payload === null || view === null || closing || view.instance.imdsv2 !== 'optional') return;
      if ((record.status !== 200 && record.status !== 404) || record.flavour === null) return;
      if ((method !== 'GET' && method !== 'HEAD') || url === undefined || candidateUserAgent(request.raw.rawHeaders) === NOT_A_CANDIDATE) return;
      memo.sync(instances.revision());
      memo.remember(view.revision, record.sourceIp, method satisfies MemoMethod, url, {
        status: record.status,
        headers: headerSnapshot(reply),
        body: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
        record: { instanceId: record.instanceId, status: record.status, bytes: record.bytes, flavour: record.flavour },
      });
    },
  };
}

/** The headers fastify wrote with writeHead (reply.getHeaders() after the send), in their order. */
function headerSnapshot(reply: FastifyReply): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  return headers;
}

const NOT_A_CANDIDATE = Symbol('not a memo candidate');

/**
 * For a request whose raw header list (name, value, name, value, …) holds none of the headers that
 * disqualify it (DISQUALIFYING_BY_LENGTH), its User-Agent as Node would report it (the first one; null when
 * absent); NOT_A_CANDIDATE otherwise. One pass, no allocation: header names compare case-insensitively
 * only when their length matches.
 */
export function candidateUserAgent(raw: readonly string[]): string | null | typeof NOT_A_CANDIDATE {
  let userAgent: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const disqualifying = DISQUALIFYING_BY_LENGTH.get(name.length);
    if (disqualifying !== undefined && name.toLowerCase() === disqualifying) return NOT_A_CANDIDATE;
    if (userAgent === null && name.length === 10 && name.toLowerCase() === 'user-agent') userAgent = raw[i + 1] as string;
  }
  return userAgent;
}

/**
 * Headers that make an answer depend on more than (source, method, URL), or that bring a body: the
 * IMDSv2 token, X-Forwarded-For, Content-Length, Transfer-Encoding. By name length (all four differ),
 * lower case.
 */
const DISQUALIFYING_BY_LENGTH: ReadonlyMap<number, string> = new Map(
  ['x-aws-ec2-metadata-token', 'x-forwarded-for', 'content-length', 'transfer-encoding'].map((name) => [name.length, name]),
);
