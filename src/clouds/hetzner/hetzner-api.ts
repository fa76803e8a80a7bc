import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { rememberAnswer, type InstanceView, type PreparedBody } from '../../metadata/instance-views.js';
import { OCTET_STREAM, TEXT_PLAIN } from '../../metadata/metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { splitMetadataPath } from '../../metadata/request-path.js';
import { hetznerMetadata, type HetznerMetadata } from './hetzner-metadata.js';
import { toYaml11, type YamlValue } from './yaml-1-1.js';

/** What one instance's answers are made of, built once per instance view. */
interface HetznerDocument {
  metadata: HetznerMetadata;
  /** The whole of `/hetzner/v1/metadata`. */
  yaml: string;
}

/**
 * Hetzner Cloud's metadata service under `/hetzner/v1/`: `metadata` (the whole YAML document),
 * `metadata/<key>` (scalars as plain text, lists and maps as YAML: `private-networks`, `public-keys`,
 * `network-config`) and `userdata`. No header is required. An empty user-data is `204 No Content`:
 * cloud-init 25.x takes an empty 200 for "not there yet" and retries for 120 s.
 */
export const hetznerApi: MetadataApi = {
  name: 'hetzner',
  plugin: async (app) => hetznerPlugin(app),
};

function hetznerPlugin(app: FastifyInstance): void {
  // Keyed by view: a new view (the instance changed) builds a new document; old ones are collected.
  const documents = new WeakMap<InstanceView, HetznerDocument>();
  const documentOf = (view: InstanceView): HetznerDocument => {
    let doc = documents.get(view);
    if (doc === undefined) {
      const metadata = hetznerMetadata(view.instance);
      doc = { metadata, yaml: toYaml11(metadata) };
      documents.set(view, doc);
    }
    return doc;
  };

  const answer = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = viewOrNotFound(request, reply, 'hetzner');
    if (view === null) return reply;
    const rest = (request.params as { '*'?: string })['*'] ?? '';
    const isRead = isReadMethod(request.method);
    const key = `hetzner:${rest}`;
    const known = isRead ? view.answers.get(key) : undefined;
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);

    const segments = splitMetadataPath(rest);
    if (segments === null || segments[0] !== 'v1') return sendNotFound(request, reply);
    if (segments.length === 2 && segments[1] === 'userdata') {
      if (!isRead) return sendMethodNotAllowed(request, reply, ALLOW_READ);
      const userData = view.instance.userData;
      if (userData === null || userData.byteLength === 0) return reply.code(204).send();
      return sendBody(reply, Buffer.from(userData.buffer, userData.byteOffset, userData.byteLength), OCTET_STREAM);
    }
    if (segments[1] !== 'metadata' || segments.length > 3) return sendNotFound(request, reply);
    const doc = documentOf(view);
    const field = segments[2];
    let prepared: PreparedBody;
    if (field === undefined) {
      prepared = { body: doc.yaml, contentType: TEXT_PLAIN };
    } else {
      if (!Object.hasOwn(doc.metadata, field)) return sendNotFound(request, reply);
      prepared = { body: fieldText(doc.metadata[field] ?? null), contentType: TEXT_PLAIN };
    }
    if (!isRead) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    rememberAnswer(view, key, prepared);
    return sendBody(reply, prepared.body, prepared.contentType);
  };

  // Returns nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  const config = { flavour: 'hetzner' };
  app.route({ method: ROUTE_METHODS, url: '/hetzner', config, handler });
  app.route({ method: ROUTE_METHODS, url: '/hetzner/*', config, handler });
}

/** One key of the document: a scalar as its text (no newline), a list or map as YAML. */
function fieldText(value: YamlValue): string {
  if (typeof value === 'object' && value !== null) return toYaml11(value);
  return value === null ? '' : String(value);
}
