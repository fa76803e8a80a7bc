import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { InstanceView, PreparedBody } from '../../metadata/instance-views.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { APPLICATION_JSON, TEXT_PLAIN } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { displayPath } from '../../metadata/request-path.js';
import type { Clock } from '../../ports/clock.js';
import { akamaiInstance, akamaiNetwork, akamaiSshKeys, akamaiText, akamaiUserData } from './akamai-documents.js';
import { issueAkamaiToken, parseAkamaiTokenExpiry, verifyAkamaiToken } from './akamai-token.js';

const FLAVOUR = 'akamai';
/** The headers Akamai documents, and the `X-` forms Linode's Go client sends. */
const TOKEN_HEADERS = ['metadata-token', 'x-metadata-token'];
const EXPIRY_HEADERS = ['metadata-token-expiry-seconds', 'x-metadata-token-expiry-seconds'];

/** A document served in both forms: JSON when the request accepts `application/json`, else text. */
interface TwoForms {
  json: PreparedBody;
  text: PreparedBody;
}

interface AkamaiAnswers {
  instance: TwoForms;
  network: TwoForms;
  sshKeys: TwoForms;
  userData: string | null;
}

type Document = 'instance' | 'network' | 'sshKeys';

/**
 * Akamai's (Linode's) metadata service at 169.254.169.254 (and [fd00:a9fe:a9fe::1], through the IPv6
 * plane): `PUT /v1/token` hands out a token (lifetime from `Metadata-Token-Expiry-Seconds`, 1-86400 s,
 * 3600 when absent), which every other endpoint requires as `Metadata-Token`: missing, unknown or expired
 * is a 401, as on Akamai. `/v1/instance`, `/v1/network` and `/v1/ssh-keys` answer JSON to
 * `Accept: application/json` (what cloud-init sends for the instance) and `key: value` text otherwise;
 * `/v1/user-data` is the user-data base64-encoded (cloud-init decodes it), 204 when there is none.
 */
export const akamaiApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app, ctx) => akamaiPlugin(app, { clock: ctx.clock, tokenSecret: ctx.tokenSecret, accountId: ctx.accountId }),
};

interface AkamaiPluginOptions {
  clock: Clock;
  tokenSecret: Uint8Array;
  accountId: string;
}

function akamaiPlugin(app: FastifyInstance, opts: AkamaiPluginOptions): void {
  const config = { flavour: FLAVOUR };
  const built = new WeakMap<InstanceView, AkamaiAnswers>();
  const answersOf = (view: InstanceView): AkamaiAnswers => {
    let a = built.get(view);
    if (a === undefined) {
      const { instance } = view;
      a = { instance: twoForms(akamaiInstance(instance, opts.accountId)), network: twoForms(akamaiNetwork(instance)), sshKeys: twoForms(akamaiSshKeys(instance)), userData: akamaiUserData(instance) };
      built.set(view, a);
    }
    return a;
  };

  const subjectOf = (request: FastifyRequest, view: InstanceView) => ({ instanceId: view.instance.id, ip: request.metadataSource });

  const token = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    if (request.method !== 'PUT') return sendMethodNotAllowed(request, reply, 'PUT');
    const raw = firstHeader(request, EXPIRY_HEADERS);
    const seconds = parseAkamaiTokenExpiry(raw);
    if (seconds === null) return sendError(reply, errors.akamaiTokenExpiryInvalid(raw ?? ''));
    const value = issueAkamaiToken(opts.tokenSecret, subjectOf(request, view), opts.clock.now() + seconds * 1000);
    return acceptsJson(request) ? sendBody(reply, JSON.stringify([value]), APPLICATION_JSON) : sendBody(reply, value, TEXT_PLAIN);
  };

  /** The guard of the token-protected endpoints: the view, or null once a 404/405/401 has been sent. */
  const authorised = (request: FastifyRequest, reply: FastifyReply): InstanceView | null => {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return null;
    if (!isReadMethod(request.method)) {
      sendMethodNotAllowed(request, reply, ALLOW_READ);
      return null;
    }
    const presented = firstHeader(request, TOKEN_HEADERS);
    if (presented === undefined || !verifyAkamaiToken(opts.tokenSecret, subjectOf(request, view), presented.trim(), opts.clock.now())) {
      sendError(reply, errors.akamaiTokenRequired(displayPath(request.url)));
      return null;
    }
    return view;
  };

  const document = (which: Document, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = authorised(request, reply);
    if (view === null) return reply;
    const forms = answersOf(view)[which];
    const prepared = acceptsJson(request) ? forms.json : forms.text;
    return sendBody(reply, prepared.body, prepared.contentType);
  };

  const userData = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = authorised(request, reply);
    if (view === null) return reply;
    const encoded = answersOf(view).userData;
    return encoded === null ? reply.code(204).send() : sendBody(reply, encoded, TEXT_PLAIN);
  };

  // Handlers return nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const route = (url: string, handler: (request: FastifyRequest, reply: FastifyReply) => FastifyReply): void => {
    app.route({ method: ROUTE_METHODS, url, config, handler: (request, reply) => void handler(request, reply) });
  };
  route('/v1/token', token);
  route('/v1/instance', (request, reply) => document('instance', request, reply));
  route('/v1/network', (request, reply) => document('network', request, reply));
  route('/v1/ssh-keys', (request, reply) => document('sshKeys', request, reply));
  route('/v1/user-data', userData);
  // Anything else is a 404 recorded as Akamai's.
  route('/', notFound);
  route('/*', notFound);

  function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    return viewOrNotFound(request, reply, FLAVOUR) === null ? reply : sendNotFound(request, reply);
  }
}

function twoForms(doc: Record<string, unknown>): TwoForms {
  return { json: { body: JSON.stringify(doc), contentType: APPLICATION_JSON }, text: { body: akamaiText(doc), contentType: TEXT_PLAIN } };
}

function firstHeader(request: FastifyRequest, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = request.headers[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function acceptsJson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('application/json');
}
