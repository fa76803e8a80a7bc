import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { rememberAnswer, type InstanceView, type PreparedBody } from '../../metadata/instance-views.js';
import { APPLICATION_JSON, nodeBody, resolveNode, type MetadataDir } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { splitMetadataPath } from '../../metadata/request-path.js';
import { upcloudMetadata } from './upcloud-metadata.js';
import { upcloudTree } from './upcloud-tree.js';

/** One instance's answers, built once per instance view. */
interface UpcloudDocument {
  json: PreparedBody;
  tree: MetadataDir;
}

/**
 * UpCloud's metadata service: `/metadata/v1.json` (the document cloud-init reads) and the same data as a
 * tree under `/metadata/v1/`. No header is required. DigitalOcean serves the same path with another
 * document; the cloud constraint keeps each guest to its own cloud's.
 */
export const upcloudApi: MetadataApi = {
  name: 'upcloud',
  plugin: async (app) => upcloudPlugin(app),
};

function upcloudPlugin(app: FastifyInstance): void {
  // Keyed by view: a new view (the instance changed) builds new answers; old ones are collected.
  const documents = new WeakMap<InstanceView, UpcloudDocument>();
  const documentOf = (view: InstanceView): UpcloudDocument => {
    let doc = documents.get(view);
    if (doc === undefined) {
      const metadata = upcloudMetadata(view.instance);
      doc = { json: { body: JSON.stringify(metadata, null, 2), contentType: APPLICATION_JSON }, tree: upcloudTree(metadata, view.instance.userData) };
      documents.set(view, doc);
    }
    return doc;
  };

  /** What a route serves: the JSON document, the tree, or nothing (the rest of `/metadata`, recorded as UpCloud's 404s). */
  type Kind = 'json' | 'tree' | 'none';

  const answer = (kind: Kind, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = viewOrNotFound(request, reply, 'upcloud');
    if (view === null) return reply;
    if (kind === 'none') return sendNotFound(request, reply);
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    const isRead = isReadMethod(request.method);
    const key = kind === 'json' ? 'upcloud:json' : `upcloud:tree:${rest}`;
    const known = isRead ? view.answers.get(key) : undefined;
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);

    const prepared = kind === 'json' ? documentOf(view).json : treeAnswer(documentOf(view).tree, rest);
    if (prepared === null) return sendNotFound(request, reply);
    if (!isRead) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    rememberAnswer(view, key, prepared);
    return sendBody(reply, prepared.body, prepared.contentType);
  };

  // Handlers return nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const route = (url: string, kind: Kind): void => {
    app.route({ method: ROUTE_METHODS, url, config: { flavour: 'upcloud' }, handler: (request, reply) => void answer(kind, request, reply) });
  };
  route('/metadata/v1.json', 'json');
  route('/metadata/v1', 'tree');
  route('/metadata/v1/*', 'tree');
  route('/metadata', 'none');
  route('/metadata/*', 'none');
}

/** A path under `/metadata/v1/`: a directory's listing or a value; null when the tree has nothing there. */
function treeAnswer(tree: MetadataDir, rest: string): PreparedBody | null {
  const segments = splitMetadataPath(rest);
  const node = segments === null ? undefined : resolveNode(tree, segments);
  return node === undefined ? null : nodeBody(node);
}
