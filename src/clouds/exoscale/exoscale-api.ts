import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { derivedUuid } from '../../core/derived-ids.js';
import { errors } from '../../errors/catalogue.js';
import { rememberAnswer, type InstanceView } from '../../metadata/instance-views.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { nodeBody, resolveNode, TEXT_PLAIN, type MetadataDir } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { splitMetadataPath } from '../../metadata/request-path.js';
import type { InstanceStore } from '../../ports/store.js';
import { buildExoscaleVersionTree, EXOSCALE_VERSIONS, isExoscaleVersion, type ExoscaleTreeContext } from './exoscale-tree.js';
import { DOMU_REQUEST_HEADER, exoscalePassword, isDomURequest, passwordAnswer } from './password-server.js';

const FLAVOUR = 'exoscale';
const ROOT_LISTING = EXOSCALE_VERSIONS.join('\n');

/**
 * Exoscale's metadata server: the EC2-style tree under `/1.0/` and `/latest/` (exoscale-tree.ts), and
 * the password server. The network plane DNATs 169.254.169.254:8080 to the same server as port 80, so
 * the server cannot see the port: a request carrying `DomU_Request` is a password-server request
 * (whatever its path), any other is a metadata request.
 */
export const exoscaleApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app, ctx) =>
    exoscalePlugin(app, {
      instances: ctx.instances,
      passwordSecret: ctx.tokenSecret,
      tree: { cloudIdentifier: `CloudStack-{${derivedUuid(`exoscale-cloud:${ctx.accountId}`)}}` },
    }),
};

interface ExoscalePluginOptions {
  instances: InstanceStore;
  /** Keys the generated per-instance passwords (the cloud's per-cloud secret). */
  passwordSecret: Uint8Array;
  tree: ExoscaleTreeContext;
}

async function exoscalePlugin(app: FastifyInstance, opts: ExoscalePluginOptions): Promise<void> {
  const config = { flavour: FLAVOUR };
  // One version directory per instance view (both versions serve it); a view is replaced when the store changes.
  const trees = new WeakMap<InstanceView, MetadataDir>();
  const treeOf = (view: InstanceView): MetadataDir => {
    let tree = trees.get(view);
    if (tree === undefined) {
      tree = buildExoscaleVersionTree(view.instance, opts.tree);
      trees.set(view, tree);
    }
    return tree;
  };

  // Returns nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/', config, handler });
  app.route({ method: ROUTE_METHODS, url: '/*', config, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    const domU = request.headers[DOMU_REQUEST_HEADER];
    if (domU !== undefined) return answerPassword(request, reply, view, domU);
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    const rest = (request.params as { '*'?: string })['*'];
    if (rest === undefined) return sendBody(reply, ROOT_LISTING, TEXT_PLAIN);

    // Both versions serve the same directory: one memo entry per path inside it.
    const segments = splitMetadataPath(rest);
    const version = segments?.[0];
    if (segments === null || version === undefined || !isExoscaleVersion(version)) return sendNotFound(request, reply);
    const key = `exoscale:${segments.slice(1).join('/')}`;
    const known = view.answers.get(key);
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);
    const node = resolveNode(treeOf(view), segments.slice(1));
    if (node === undefined) return sendNotFound(request, reply);
    const body = nodeBody(node);
    rememberAnswer(view, key, body);
    return sendBody(reply, body.body, body.contentType);
  }

  /** CloudStack's password protocol (password-server.ts); the saved state is the instance's recorded password. */
  function answerPassword(request: FastifyRequest, reply: FastifyReply, view: InstanceView, domU: string | string[]): FastifyReply {
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    const value = typeof domU === 'string' ? domU.trim() : '';
    if (!isDomURequest(value)) return sendError(reply, errors.exoscalePasswordRequestUnknown(typeof domU === 'string' ? domU : domU.join(', ')));
    const id = view.instance.id;
    const password = exoscalePassword(opts.passwordSecret, id);
    const { body, markSaved } = passwordAnswer(value, password, opts.instances.getPassword(id) !== null);
    // Recorded as the password the guest took: what the cloud shows as the instance's password.
    if (markSaved) opts.instances.setPasswordOnce(id, password);
    return sendBody(reply, body, TEXT_PLAIN);
  }
}
