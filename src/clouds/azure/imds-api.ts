import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { InstanceView } from '../../metadata/instance-views.js';
import type { MetadataApi, MetadataContext } from '../../metadata/metadata-api.js';
import { APPLICATION_JSON, TEXT_PLAIN } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { splitMetadataPath } from '../../metadata/request-path.js';
import { azureVmId } from './azure-identity.js';
import { azureInstanceDocument, azureSubscriptionId, type ImdsValue } from './azure-instance-document.js';
import { EXTENDED_SINCE, IMDS_API_VERSIONS, isImdsApiVersion, NEWEST_API_VERSIONS } from './imds-versions.js';
import { managedIdentityToken } from './managed-identity-token.js';

const FLAVOUR = 'azure';
const JSON_TYPE = `${APPLICATION_JSON}; charset=utf-8`;

/**
 * Azure's Instance Metadata Service under `/metadata/`: every request needs `Metadata: true` and an
 * `api-version` Azure serves (400 otherwise, as Azure; cloud-init falls back on that 400), and none may
 * carry X-Forwarded-For. Served: `instance` (and any path inside it: `instance/compute`,
 * `instance/network`, `instance/compute/vmId`…; `format=text` for a leaf), `versions`,
 * `identity/oauth2/token` (a test token for the VM's identity) and `scheduledevents` (none scheduled).
 */
export const azureImdsApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app, ctx) => imdsPlugin(app, ctx),
};

type Query = Record<string, string | string[] | undefined>;

function imdsPlugin(app: FastifyInstance, ctx: MetadataContext): void {
  const subscriptionId = azureSubscriptionId(ctx.accountId);
  // Keyed by view: a new view (the instance changed) builds new documents; old ones are collected.
  const documents = new WeakMap<InstanceView, Map<boolean, ImdsValue>>();
  const documentOf = (view: InstanceView, extended: boolean): ImdsValue => {
    let byKind = documents.get(view);
    if (byKind === undefined) documents.set(view, (byKind = new Map<boolean, ImdsValue>()));
    let doc = byKind.get(extended);
    if (doc === undefined) byKind.set(extended, (doc = azureInstanceDocument(view.instance, { accountId: ctx.accountId, extended })));
    return doc;
  };

  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/metadata', config: { flavour: FLAVOUR }, handler });
  app.route({ method: ROUTE_METHODS, url: '/metadata/*', config: { flavour: FLAVOUR }, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    const metadataHeader = request.headers['metadata'];
    if (typeof metadataHeader !== 'string' || metadataHeader.toLowerCase() !== 'true') return sendError(reply, errors.azureMetadataHeaderRequired());
    if (request.headers['x-forwarded-for'] !== undefined) return sendError(reply, errors.azureImdsForwarded());
    const segments = splitMetadataPath((request.params as { '*'?: string })['*'] ?? '');
    if (segments === null || segments.length === 0) return sendNotFound(request, reply);
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    const query = request.query as Query;
    // The one path that needs no api-version: the list of them.
    if (segments.length === 1 && segments[0] === 'versions') return sendJson(reply, { apiVersions: IMDS_API_VERSIONS });

    const [head, ...rest] = segments;
    const version = param(query, 'api-version');
    const newest = NEWEST_API_VERSIONS.join(', ');
    if (version === undefined) return sendError(reply, errors.azureApiVersionRequired(newest));
    if (!isImdsApiVersion(version, head ?? '')) return sendError(reply, errors.azureApiVersionInvalid(version, newest));

    if (head === 'instance') {
      const extended = rest.length === 0 && param(query, 'extended') === 'true' && version >= EXTENDED_SINCE;
      const node = pick(documentOf(view, extended), rest);
      if (node === undefined) return sendNotFound(request, reply);
      const format = param(query, 'format') ?? 'json';
      if (format === 'json') return sendJson(reply, node);
      if (format === 'text' && typeof node === 'string') return sendBody(reply, node, `${TEXT_PLAIN}; charset=utf-8`);
      return sendError(reply, errors.azureImdsBadRequest(`format ${JSON.stringify(format)} is not offered for ${rest.length === 0 ? 'instance' : rest.join('/')}: json, or text for a leaf`));
    }
    if (head === 'identity' && rest.join('/') === 'oauth2/token') {
      const resource = param(query, 'resource');
      if (resource === undefined || resource === '') return sendError(reply, errors.azureImdsBadRequest("Required query variable 'resource' is missing"));
      return sendJson(reply, managedIdentityToken({ secret: ctx.tokenSecret, vmId: azureVmId(view.instance.uuid), subscriptionId, resource, nowMs: ctx.clock.now() }));
    }
    // Nothing is scheduled for a minicloud VM: the document Azure answers then.
    if (head === 'scheduledevents' && rest.length === 0) return sendJson(reply, { DocumentIncarnation: 0, Events: [] });
    return sendNotFound(request, reply);
  }
}

function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return sendBody(reply, JSON.stringify(value), JSON_TYPE);
}

/** One query parameter; a repeated one counts as absent (Azure takes none of them twice). */
function param(query: Query, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}

/** The node at `path` inside an IMDS document: object keys, list indices from 0. */
function pick(doc: ImdsValue, path: readonly string[]): ImdsValue | undefined {
  let node: ImdsValue | undefined = doc;
  for (const segment of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    if (Array.isArray(node)) {
      const list = node as readonly ImdsValue[];
      node = /^(0|[1-9]\d*)$/.test(segment) ? list[Number(segment)] : undefined;
    } else {
      const obj = node as { readonly [key: string]: ImdsValue };
      node = Object.hasOwn(obj, segment) ? obj[segment] : undefined;
    }
  }
  return node;
}
