import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { InstanceView, PreparedBody } from '../../metadata/instance-views.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { APPLICATION_JSON, OCTET_STREAM, TEXT_PLAIN } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { displayPath, splitMetadataPath } from '../../metadata/request-path.js';
import { isPrivilegedSourcePort } from './privileged-port.js';
import { scalewayConf, type ScalewayConfContext } from './scaleway-conf.js';
import { scalewayConfText } from './scaleway-conf-text.js';
import { scalewayUserData, scalewayVendorData } from './scaleway-data.js';

const FLAVOUR = 'scaleway';
/** What `/` lists: a 200 with a body is all cloud-init 25.x asks of it (its reachability probe). */
const ROOT_LISTING = 'conf\nuser_data\nvendor_data';

/** One instance's answers, built once per instance view. */
interface ScalewayAnswers {
  json: PreparedBody;
  text: PreparedBody;
  userData: ReadonlyMap<string, Uint8Array>;
  vendorData: ReadonlyMap<string, Uint8Array>;
}

/**
 * Scaleway's instance metadata API, which the guest reaches at 169.254.42.42 (the network plane DNATs
 * it to this server, which answers by the asking instance's cloud): `/conf?format=json` (the document
 * cloud-init reads; `/conf` the same as shell variables), and the key/value stores `/user_data/…` and
 * `/vendor_data/…` (`?format=json` lists the keys as `{"user_data": […]}`; `/<store>/<key>` is the value
 * byte for byte, 404 when unset).
 *
 * The stores answer only a privileged source port (< 1024, privileged-port.ts): any other port is a 403,
 * as on Scaleway. Their answers close the connection: cloud-init binds each such request to port 1 (then
 * 2…), and a kept-alive connection would hold the port its next request needs (it would wait 5 s).
 */
export const scalewayApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app, ctx) => scalewayPlugin(app, { accountId: ctx.accountId }),
};

type Store = 'user_data' | 'vendor_data';

function scalewayPlugin(app: FastifyInstance, conf: ScalewayConfContext): void {
  const config = { flavour: FLAVOUR };
  // Keyed by view: a new view (the instance changed) builds new answers; old ones are collected.
  const built = new WeakMap<InstanceView, ScalewayAnswers>();
  const answersOf = (view: InstanceView): ScalewayAnswers => {
    let a = built.get(view);
    if (a === undefined) {
      const doc = scalewayConf(view.instance, conf);
      a = {
        json: { body: JSON.stringify(doc), contentType: APPLICATION_JSON },
        text: { body: scalewayConfText(doc), contentType: TEXT_PLAIN },
        userData: scalewayUserData(view.instance),
        vendorData: scalewayVendorData(view.instance),
      };
      built.set(view, a);
    }
    return a;
  };

  /** The guard of every route: the instance's view, or null once an answer (404, 405) has been sent. */
  const readView = (request: FastifyRequest, reply: FastifyReply): InstanceView | null => {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return null;
    if (!isReadMethod(request.method)) {
      sendMethodNotAllowed(request, reply, ALLOW_READ);
      return null;
    }
    return view;
  };

  const root = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (readView(request, reply) === null) return reply;
    return sendBody(reply, ROOT_LISTING, TEXT_PLAIN);
  };

  const confAnswer = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = readView(request, reply);
    if (view === null) return reply;
    const answers = answersOf(view);
    const prepared = wantsJson(request) ? answers.json : answers.text;
    return sendBody(reply, prepared.body, prepared.contentType);
  };

  const storeAnswer = (store: Store, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = readView(request, reply);
    if (view === null) return reply;
    reply.header('connection', 'close');
    if (!isPrivilegedSourcePort(request.socket.remotePort)) return sendError(reply, errors.scalewayPrivilegedPortRequired(displayPath(request.url), request.socket.remotePort ?? 0));
    const answers = answersOf(view);
    const values = store === 'user_data' ? answers.userData : answers.vendorData;
    const segments = splitMetadataPath((request.params as { '*'?: string })['*'] ?? '');
    if (segments === null || segments.length > 1) return sendNotFound(request, reply);
    const [key] = segments;
    if (key === undefined) {
      const keys = [...values.keys()];
      return wantsJson(request) ? sendBody(reply, JSON.stringify({ [store]: keys }), APPLICATION_JSON) : sendBody(reply, keys.join('\n'), TEXT_PLAIN);
    }
    const value = values.get(key);
    if (value === undefined) return sendNotFound(request, reply);
    return sendBody(reply, Buffer.from(value.buffer, value.byteOffset, value.byteLength), OCTET_STREAM);
  };

  // Handlers return nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const route = (url: string, handler: (request: FastifyRequest, reply: FastifyReply) => FastifyReply): void => {
    app.route({ method: ROUTE_METHODS, url, config, handler: (request, reply) => void handler(request, reply) });
  };
  route('/', root);
  route('/conf', confAnswer);
  for (const store of ['user_data', 'vendor_data'] as const) {
    route(`/${store}`, (request, reply) => storeAnswer(store, request, reply));
    route(`/${store}/*`, (request, reply) => storeAnswer(store, request, reply));
  }
  // Anything else is a 404 recorded as Scaleway's.
  route('/*', (request, reply) => (readView(request, reply) === null ? reply : sendNotFound(request, reply)));
}

/** `?format=json`, as Scaleway's clients ask; any other form of the query gets the text form. */
function wantsJson(request: FastifyRequest): boolean {
  return (request.query as Record<string, unknown>)['format'] === 'json';
}
