import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rememberAnswer, type InstanceView } from '../../metadata/instance-views.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { nodeBody, resolveNode, type MetadataDir } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { splitMetadataPath } from '../../metadata/request-path.js';
import { buildVultrTree } from './vultr-tree.js';

const FLAVOUR = 'vultr';

/**
 * Vultr's metadata service at `/` (vultr-tree.ts: `/v1.json`, `/v1/…`, `/latest/user-data`). No header is
 * required: "function calls are performed over standard HTTP with no authentication" (vultr.com/metadata).
 * cloud-init sends `Metadata-Token: cloudinit` and its own User-Agent; the request log keeps the latter.
 * The root answers 200: cloud-init's ephemeral DHCP asks `http://169.254.169.254` first and skips DHCP
 * when it answers.
 */
export const vultrApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app) => vultrPlugin(app),
};

async function vultrPlugin(app: FastifyInstance): Promise<void> {
  const config = { flavour: FLAVOUR };
  /** One tree per instance revision (a view is replaced when the store's revision moves). */
  const trees = new WeakMap<InstanceView, MetadataDir>();
  // Returns nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/', config, handler });
  app.route({ method: ROUTE_METHODS, url: '/*', config, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    const key = `vultr:${rest}`;
    const known = view.answers.get(key);
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);
    const segments = splitMetadataPath(rest);
    const node = segments === null ? undefined : resolveNode(treeOf(view), segments);
    if (node === undefined) return sendNotFound(request, reply);
    const prepared = nodeBody(node);
    rememberAnswer(view, key, prepared);
    return sendBody(reply, prepared.body, prepared.contentType);
  }

  function treeOf(view: InstanceView): MetadataDir {
    let tree = trees.get(view);
    if (tree === undefined) {
      tree = buildVultrTree(view.instance);
      trees.set(view, tree);
    }
    return tree;
  }
}
