import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { InstanceStore } from '../../ports/store.js';
import { rememberAnswer, type InstanceView } from '../instance-views.js';
import { nodeBody, resolveNode, TEXT_PLAIN, type MetadataDir } from '../metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../reply-helpers.js';
import { splitMetadataPath } from '../request-path.js';
import { buildCloudStackVersionTree, type CloudStackTreeContext } from './cloudstack-tree.js';
import { DOMU_REQUEST_HEADER, guestPassword, isDomURequest, passwordAnswer } from './password-server.js';

export interface CloudStackPluginOptions {
  /** The cloud serving it: the request log's flavour, and what keys the generated passwords. */
  flavour: string;
  /** The version directories, in the order `/` lists them (each serves the same tree). */
  versions: readonly string[];
  instances: InstanceStore;
  /** Keys the generated per-instance passwords (the cloud's per-cloud secret). */
  passwordSecret: Uint8Array;
  tree: CloudStackTreeContext;
}

/**
 * CloudStack's virtual-router metadata server, as CloudStack and Exoscale serve it: the EC2-style tree
 * under each version (cloudstack-tree.ts), and the password server. The network plane DNATs the
 * password server's port 8080 to the same server as port 80, so the server cannot see the port: a
 * request carrying `DomU_Request` is a password-server request (whatever its path), any other is a
 * metadata request.
 */
export function cloudStackPlugin(app: FastifyInstance, opts: CloudStackPluginOptions): void {
  const { flavour } = opts;
  const config = { flavour };
  const rootListing = opts.versions.join('\n');
  // One version directory per instance view (every version serves it); a view is replaced when the store changes.
  const trees = new WeakMap<InstanceView, MetadataDir>();
  const treeOf = (view: InstanceView): MetadataDir => {
    let tree = trees.get(view);
    if (tree === undefined) {
      tree = buildCloudStackVersionTree(view.instance, opts.tree);
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
    const view = viewOrNotFound(request, reply, flavour);
    if (view === null) return reply;
    const domU = request.headers[DOMU_REQUEST_HEADER];
    if (domU !== undefined) return answerPassword(request, reply, view, domU);
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    const rest = (request.params as { '*'?: string })['*'];
    if (rest === undefined) return sendBody(reply, rootListing, TEXT_PLAIN);

    // Every version serves the same directory: one memo entry per path inside it.
    const segments = splitMetadataPath(rest);
    const version = segments?.[0];
    if (segments === null || version === undefined || !opts.versions.includes(version)) return sendNotFound(request, reply);
    const key = `${flavour}:${segments.slice(1).join('/')}`;
    const known = view.answers.get(key);
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);
    const node = resolveNode(treeOf(view), segments.slice(1));
    if (node === undefined) return sendNotFound(request, reply);
    const body = nodeBody(node);
    rememberAnswer(view, key, body);
    return sendBody(reply, body.body, body.contentType);
  }

  /** The password protocol (password-server.ts); the saved state is the instance's recorded password. */
  function answerPassword(request: FastifyRequest, reply: FastifyReply, view: InstanceView, domU: string | string[]): FastifyReply {
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    const value = typeof domU === 'string' ? domU.trim() : '';
    if (!isDomURequest(value)) return sendError(reply, errors.passwordServerRequestUnknown(typeof domU === 'string' ? domU : domU.join(', ')));
    const id = view.instance.id;
    const password = guestPassword(opts.passwordSecret, flavour, id);
    const { body, markSaved } = passwordAnswer(value, password, opts.instances.getPassword(id) !== null);
    // Recorded as the password the guest took: what the cloud shows as the instance's password.
    if (markSaved) opts.instances.setPasswordOnce(id, password);
    return sendBody(reply, body, TEXT_PLAIN);
  }
}
