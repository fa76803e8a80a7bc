import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InstanceRecord } from '../../domain/instance.js';
import { errors, isMinicloudError, type MinicloudError } from '../../errors/catalogue.js';
import type { EventBus } from '../../events/event-bus.js';
import { nextBoundary } from '../../core/cloud-event-timeline.js';
import type { Clock } from '../../ports/clock.js';
import type { InstanceStore } from '../../ports/store.js';
import { errorBody, isReadMethod, ROUTE_METHODS, sendBody, sendError, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { displayPath, splitMetadataPath } from '../../metadata/request-path.js';
import { GCE_TEXT, gceAnswer, gceEtag, resolveGce, type GceAnswer } from './gce-answer.js';
import { buildGceTree } from './gce-documents.js';
import { GuestAttributeStore } from './gce-guest-attributes.js';
import { gceProject } from './gce-ids.js';
import { gceLiveState } from './gce-live-state.js';
import { LongPollRegistry } from './gce-long-poll.js';
import { MAX_WAIT_SEC, parseGceQuery, type GceQuery } from './gce-query.js';
import type { GceDir } from './gce-tree.js';

export interface GcePluginOptions {
  instances: InstanceStore;
  /**
   * `instance.metadata` (metadata set), `instance.removed` and every `cloud.event.*` (an event made,
   * announced, fired, completed or canceled: docs/events.md) wake the instance's long-polls.
   */
  bus: EventBus;
  /** Cloud events change `maintenance-event` and `preempted` over time. */
  clock: Clock;
  /** The cloud's project id (MetadataContext.projectId), from which the GCE project is derived. */
  projectSeed: string;
  /** Where held wait_for_change requests are kept; a fresh registry when absent (tests pass theirs to watch it). */
  polls?: LongPollRegistry;
}

/** Everything the plugin precomputes for one instance record and one generation of its guest attributes. */
interface GceState {
  readonly generation: number;
  /** The instance's next cloud event boundary: the tree (maintenance-event, preempted) is rebuilt from then. */
  readonly validUntil: number;
  readonly tree: GceDir;
  /** Answers already sent, by request URL (reads without wait_for_change only); bounded. */
  readonly answers: Map<string, GceAnswer>;
}

const FLAVOUR = 'gce';
/** Paths alias (encodings, slashes, parameters): the memo must not grow with what guests send. */
const MAX_ANSWERS = 512;
const ALLOW_READ = 'GET, HEAD';
const ALLOW_GUEST_ATTRIBUTES = 'GET, HEAD, PUT';
const GUEST_ATTRIBUTES = ['computeMetadata', 'v1', 'instance', 'guest-attributes'];

/**
 * GCE's metadata server: `/computeMetadata/v1/…` (and `/`), for GCE guests only (cloud-routes.ts).
 * As GCE: every request but `/` needs `Metadata-Flavor: Google` (403 without), a request carrying
 * X-Forwarded-For is refused (403), every answer carries `Metadata-Flavor: Google` and an ETag, a
 * directory without its trailing slash is a 301 to it, `?recursive=true` and `alt=text|json` shape the
 * answer, guest attributes can be written (PUT) and read back, and `?wait_for_change=true` holds the
 * request until the content changes (`metadata set`), its `timeout_sec` passes or the server closes.
 * Held requests went through the app's onRequest hooks like any other (fault rules apply to them).
 */
export async function gcePlugin(app: FastifyInstance, opts: GcePluginOptions): Promise<void> {
  const { instances, bus } = opts;
  const project = gceProject(opts.projectSeed);
  const guestAttributes = new GuestAttributeStore();
  const polls = opts.polls ?? new LongPollRegistry();
  const states = new WeakMap<InstanceRecord, GceState>();

  const unsubscribe = bus.subscribe((event) => {
    switch (event.type) {
      case 'instance.metadata':
      case 'cloud.event.scheduled':
      case 'cloud.event.notice':
      case 'cloud.event.fired':
      case 'cloud.event.completed':
      case 'cloud.event.canceled':
        polls.wake(event.instanceId);
        return;
      case 'instance.removed':
        guestAttributes.forget(event.instanceId);
        polls.wake(event.instanceId);
        return;
      default:
        return;
    }
  });
  // preClose runs before the server stops accepting and waits for open requests: held ones answer now.
  app.addHook('preClose', (done) => {
    polls.closeAll();
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    unsubscribe();
    done();
  });

  function stateOf(record: InstanceRecord): GceState {
    const generation = guestAttributes.generation(record.id);
    let state = states.get(record);
    // Without cloud events nothing depends on the clock, and the clock is not read.
    const now = record.cloudEvents.length === 0 ? 0 : opts.clock.now();
    if (state === undefined || state.generation !== generation || now >= state.validUntil) {
      const live = gceLiveState(record.cloudEvents, now);
      state = { generation, validUntil: nextBoundary(record.cloudEvents, now), tree: buildGceTree(record, project, live, guestAttributes.of(record.id)), answers: new Map() };
      states.set(record, state);
    }
    return state;
  }

  const config = { flavour: FLAVOUR };
  // Returns nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/', config, handler });
  app.route({ method: ROUTE_METHODS, url: '/*', config, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): void {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return;
    reply.header('metadata-flavor', 'Google');
    const rest = (request.params as { '*'?: string })['*'];
    const refusal = refusalOf(request, rest === undefined);
    if (refusal !== null) return sendGceError(reply, refusal);
    const url = request.url;
    const isRead = isReadMethod(request.method);
    const state = stateOf(view.instance);

    // Hot path: an answer this instance already gave for exactly this URL.
    if (isRead) {
      const known = state.answers.get(url);
      if (known !== undefined) return sendAnswer(reply, known);
    }

    const segments = splitMetadataPath(rest ?? '');
    if (segments === null) return sendGceError(reply, errors.metadataNotFound(displayPath(url)));
    const query = parseGceQuery(url);
    if (isMinicloudError(query)) return sendGceError(reply, query);
    const isGuestAttribute = GUEST_ATTRIBUTES.every((s, i) => segments[i] === s);
    if (request.method === 'PUT' && isGuestAttribute) return writeGuestAttribute(request, reply, view.instance.id, segments.slice(GUEST_ATTRIBUTES.length));
    if (!isRead) {
      const allow = isGuestAttribute ? ALLOW_GUEST_ATTRIBUTES : ALLOW_READ;
      reply.header('allow', allow);
      return sendGceError(reply, errors.metadataMethodNotAllowed(request.method, displayPath(url), allow));
    }

    const resolution = resolveGce(state.tree, segments, hasTrailingSlash(url), query);
    switch (resolution.kind) {
      case 'not-found':
        return sendGceError(reply, errors.metadataNotFound(displayPath(url)));
      case 'redirect':
        return sendRedirect(request, reply);
      case 'answer':
        if (query.waitForChange) return waitForChange(reply, view.instance.id, segments, query, resolution.answer);
        if (state.answers.size < MAX_ANSWERS) state.answers.set(url, resolution.answer);
        return sendAnswer(reply, resolution.answer);
    }
  }

  /**
   * Answers at once when `last_etag` names other content than the current; otherwise holds the request
   * until the instance's metadata changes what this path answers, `timeout_sec` passes (then the current
   * content, as GCE does) or the server closes.
   */
  function waitForChange(reply: FastifyReply, instanceId: string, segments: string[], query: GceQuery, current: GceAnswer): void {
    if (query.lastEtag !== null && query.lastEtag !== current.etag) return sendAnswer(reply, current);
    const url = reply.request.url;
    const read = (): GceAnswer | null => {
      const record = instances.getInstance(instanceId);
      if (record === undefined) return null;
      const r = resolveGce(stateOf(record).tree, segments, hasTrailingSlash(url), query);
      return r.kind === 'answer' ? r.answer : null;
    };
    const answerWith = (now: GceAnswer | null): void => {
      if (now === null) sendGceError(reply, errors.metadataNotFound(displayPath(url)));
      else sendAnswer(reply, now);
    };
    polls.hold(
      instanceId,
      {
        recheck: () => {
          const now = read();
          if (now !== null && now.etag === current.etag) return false;
          answerWith(now);
          return true;
        },
        answerNow: () => answerWith(read()),
        // Through the app's error handler: a coded 500 to the guest, the detail on the event stream.
        fail: (err) => void reply.send(err),
      },
      (query.timeoutSec ?? MAX_WAIT_SEC) * 1000,
      reply.raw,
    );
  }

  /** PUT …/guest-attributes/<namespace>/<key>: stores the body (cloud-init publishes its host keys there). */
  function writeGuestAttribute(request: FastifyRequest, reply: FastifyReply, instanceId: string, rest: string[]): void {
    const [namespace, key] = rest;
    if (rest.length !== 2 || namespace === undefined || key === undefined) {
      return sendGceError(reply, errors.gceGuestAttributeRefused('the path must be instance/guest-attributes/<namespace>/<key>'));
    }
    const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    const refused = guestAttributes.write(instanceId, namespace, key, body);
    if (refused !== null) return sendGceError(reply, refused);
    polls.wake(instanceId);
    sendAnswer(reply, EMPTY_ANSWER);
  }
}

const EMPTY_ANSWER = gceAnswer('', GCE_TEXT);

/** Why GCE refuses the request before looking at its path, or null. `/` answers without the flavor header. */
function refusalOf(request: FastifyRequest, isRoot: boolean): MinicloudError | null {
  const headers = request.headers;
  if (headers['x-forwarded-for'] !== undefined) return errors.gceForwardedRefused();
  if (!isRoot && headers['metadata-flavor'] !== 'Google') return errors.gceFlavorRequired(displayPath(request.url));
  return null;
}

function sendAnswer(reply: FastifyReply, answer: GceAnswer): void {
  reply.header('etag', answer.etag);
  sendBody(reply, answer.body, answer.contentType);
}

function sendGceError(reply: FastifyReply, err: MinicloudError): void {
  reply.header('etag', gceEtag(errorBody(err)));
  sendError(reply, err);
}

/** GCE's 301 for a directory asked for without its slash: to the slashed path, the query kept. */
function sendRedirect(request: FastifyRequest, reply: FastifyReply): void {
  const { path, query } = splitUrl(request.url);
  const host = request.headers.host ?? 'metadata.google.internal';
  const body = `${path}/\n`;
  reply.code(301).header('location', `http://${host}${path}/${query}`).header('etag', gceEtag(body));
  sendBody(reply, body, 'text/html');
}

function hasTrailingSlash(url: string): boolean {
  return splitUrl(url).path.endsWith('/');
}

/** The path (origin-form, also for an absolute-form request target) and the query with its `?`. */
function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  const target = q === -1 ? url : url.slice(0, q);
  const path = target.replace(/^https?:\/\/[^/]*/i, '') || '/';
  return { path, query: q === -1 ? '' : url.slice(q) };
}
