import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rememberAnswer, type InstanceView, type PreparedBody } from '../../metadata/instance-views.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { APPLICATION_JSON, nodeBody, resolveNode, TEXT_PLAIN, type MetadataDir } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { displayPath, splitMetadataPath } from '../../metadata/request-path.js';
import { dropletMetadata } from './digitalocean-metadata.js';
import { dropletTree } from './digitalocean-tree.js';

const FLAVOUR = 'digitalocean';

/** One instance's answers, built once per instance view. */
interface DropletDocument {
  json: PreparedBody;
  tree: MetadataDir;
}

/**
 * DigitalOcean's metadata service: `/metadata/v1.json` (the document cloud-init reads) and the same data
 * as an index tree under `/metadata/v1/`, where an index asked for without its trailing slash is a 301 to
 * it (as DigitalOcean documents). No header is required. UpCloud serves the same path with another
 * document; the cloud constraint keeps each guest to its own cloud's.
 */
export const digitalOceanApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app) => digitalOceanPlugin(app),
};

function digitalOceanPlugin(app: FastifyInstance): void {
  // Keyed by view: a new view (the instance changed) builds new answers; old ones are collected.
  const documents = new WeakMap<InstanceView, DropletDocument>();
  const documentOf = (view: InstanceView): DropletDocument => {
    let doc = documents.get(view);
    if (doc === undefined) {
      const metadata = dropletMetadata(view.instance);
      doc = { json: { body: JSON.stringify(metadata), contentType: APPLICATION_JSON }, tree: dropletTree(metadata, view.instance.userData) };
      documents.set(view, doc);
    }
    return doc;
  };

  /** What a route serves: the JSON document, the tree, or nothing (the rest of `/metadata`, recorded as DigitalOcean's 404s). */
  type Kind = 'json' | 'tree' | 'none';

  const answer = (kind: Kind, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    if (kind === 'none') return sendNotFound(request, reply);
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    const resolved = kind === 'json' ? documentOf(view).json : treeAnswer(documentOf(view).tree, rest, displayPath(request.url).endsWith('/'));
    if (resolved === null) return sendNotFound(request, reply);
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    if (resolved === 'index-without-slash') return sendIndexRedirect(request, reply);
    const key = kind === 'json' ? 'digitalocean:json' : `digitalocean:tree:${rest}`;
    const known = view.answers.get(key);
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);
    rememberAnswer(view, key, resolved);
    return sendBody(reply, resolved.body, resolved.contentType);
  };

  // Handlers return nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const route = (url: string, kind: Kind): void => {
    app.route({ method: ROUTE_METHODS, url, config: { flavour: FLAVOUR }, handler: (request, reply) => void answer(kind, request, reply) });
  };
  route('/metadata/v1.json', 'json');
  route('/metadata/v1', 'tree');
  route('/metadata/v1/*', 'tree');
  route('/metadata', 'none');
  route('/metadata/*', 'none');
}

/**
 * A path under `/metadata/v1` (`rest`, the request's path `slashed` or not): a value, an index's listing
 * (asked for with its trailing slash), the marker for an index asked for without it, or null when the tree has nothing there.
 */
function treeAnswer(tree: MetadataDir, rest: string, slashed: boolean): PreparedBody | 'index-without-slash' | null {
  const segments = splitMetadataPath(rest);
  const node = segments === null ? undefined : resolveNode(tree, segments);
  if (node === undefined) return null;
  // `/metadata/v1` itself answers its listing, as DigitalOcean's documentation asks it.
  if (node.kind === 'dir' && !slashed && segments !== null && segments.length > 0) return 'index-without-slash';
  return nodeBody(node);
}

/** DigitalOcean's 301 for an index asked for without its slash: to the slashed path, the query kept. */
function sendIndexRedirect(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = request.url.indexOf('?');
  const query = q === -1 ? '' : request.url.slice(q);
  const path = displayPath(request.url);
  reply.code(301).header('location', `${path}/${query}`);
  return sendBody(reply, `${path}/\n`, TEXT_PLAIN);
}
