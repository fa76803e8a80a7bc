import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InstanceRecord } from '../../domain/instance.js';
import { APPLICATION_JSON, OCTET_STREAM, TEXT_PLAIN } from '../metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../reply-helpers.js';
import { splitMetadataPath } from '../request-path.js';

const FILES = ['meta-data', 'network-config', 'user-data', 'vendor-data'] as const;

/**
 * NoCloud's meta-data, as JSON (valid YAML for cloud-init, and the only form CirrOS's json2fstree reads).
 * Public keys as a list, as NoCloud expects.
 */
function nocloudMetaData(instance: InstanceRecord): string {
  return JSON.stringify({
    'instance-id': instance.id,
    'local-hostname': instance.hostname,
    hostname: instance.hostname,
    'public-keys': instance.publicKeys.map((k) => k.key),
  });
}

/**
 * NoCloud over HTTP: the seed URL `http://169.254.169.254/nocloud/<instance-id>/` given to the guest
 * as `ds=nocloud-net;s=…` (SMBIOS serial or kernel cmdline). All four files answer 200 — cloud-init
 * retries a 404 ten times per file — with an empty body when there is nothing to say (no user data; no
 * network-config, so cloud-init falls back to DHCP on the first NIC).
 */
export async function nocloudPlugin(app: FastifyInstance): Promise<void> {
  app.route({
    method: ROUTE_METHODS,
    url: '/nocloud/*',
    config: { flavour: 'nocloud' },
    handler: (request, reply) => {
      answerNocloud(request, reply);
    },
  });
}

function answerNocloud(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const view = viewOrNotFound(request, reply, 'nocloud');
  if (view === null) return reply;
  const segments = splitMetadataPath((request.params as { '*': string })['*']);
  // The path names the instance; it must be the one the source address belongs to.
  if (segments === null || segments[0] !== view.instance.id || segments.length > 2) return sendNotFound(request, reply);
  if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
  const instance = view.instance;
  switch (segments[1]) {
    case undefined:
      return sendBody(reply, FILES.join('\n'), TEXT_PLAIN);
    case 'meta-data':
      return sendBody(reply, nocloudMetaData(instance), APPLICATION_JSON);
    case 'user-data':
      return sendBody(reply, instance.userData === null ? Buffer.alloc(0) : Buffer.from(instance.userData), OCTET_STREAM);
    case 'vendor-data':
      return sendBody(reply, nocloudVendorData(instance), TEXT_PLAIN);
    case 'network-config':
      return sendBody(reply, '', TEXT_PLAIN);
    default:
      return sendNotFound(request, reply);
  }
}

/** NoCloud vendor-data is user-data format: the `cloud-init` entry of the vendor data when it is text, else empty. */
function nocloudVendorData(instance: InstanceRecord): string {
  const value = instance.vendorData['cloud-init'];
  return typeof value === 'string' ? value : '';
}
