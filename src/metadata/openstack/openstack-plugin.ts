import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { Clock } from '../../ports/clock.js';
import type { InstanceStore } from '../../ports/store.js';
import type { InstanceView } from '../instance-views.js';
import { APPLICATION_JSON, OCTET_STREAM, TEXT_PLAIN } from '../metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../reply-helpers.js';
import { splitMetadataPath } from '../request-path.js';
import { buildMetaDataJson, type OpenstackContext } from './meta-data-json.js';
import { buildNetworkDataJson } from './network-data-json.js';
import { openstackFiles, PASSWORD_MAX_BYTES, vendorData, vendorData2, type OpenstackFile } from './openstack-files.js';
import { openstackVersionDate, openstackVersionListing } from './openstack-versions.js';

export interface OpenstackPluginOptions extends OpenstackContext {
  clock: Clock;
  instances: InstanceStore;
}

const ALLOW_PASSWORD = 'GET, HEAD, POST';

/**
 * Nova's OpenStack metadata API under `/openstack`. The EC2-compatible `/latest/meta-data` that the
 * OpenStack datasource also crawls is the ec2 plugin's: one tree serves both.
 */
export async function openstackPlugin(app: FastifyInstance, opts: OpenstackPluginOptions): Promise<void> {
  const { clock, instances } = opts;
  const config = { flavour: 'openstack' as const };

  function serveFile(request: FastifyRequest, reply: FastifyReply, view: InstanceView, file: OpenstackFile, versionDate: string): FastifyReply {
    const instance = view.instance;
    if (file === 'password') return servePassword(request, reply, view);
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    switch (file) {
      case 'meta_data.json': {
        // Fresh 512 random bytes per request, as Nova does; cloud-init requires valid base64.
        const seed = randomBytes(512).toString('base64');
        return sendBody(reply, JSON.stringify(buildMetaDataJson(instance, versionDate, opts, seed)), APPLICATION_JSON);
      }
      case 'user_data':
        return instance.userData === null ? sendNotFound(request, reply) : sendBody(reply, Buffer.from(instance.userData), OCTET_STREAM);
      case 'vendor_data.json':
        return sendBody(reply, JSON.stringify(vendorData(instance)), APPLICATION_JSON);
      case 'vendor_data2.json':
        return sendBody(reply, JSON.stringify(vendorData2(instance)), APPLICATION_JSON);
      case 'network_data.json':
        return sendBody(reply, JSON.stringify(buildNetworkDataJson(instance)), APPLICATION_JSON);
    }
  }

  /** Write-once guest password: POST stores (409 if already set), GET returns it ('' until set). */
  function servePassword(request: FastifyRequest, reply: FastifyReply, view: InstanceView): FastifyReply {
    const id = view.instance.id;
    if (isReadMethod(request.method)) return sendBody(reply, instances.getPassword(id) ?? '', TEXT_PLAIN);
    if (request.method !== 'POST') return sendMethodNotAllowed(request, reply, ALLOW_PASSWORD);
    const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    if (body.length > PASSWORD_MAX_BYTES) return sendError(reply, errors.passwordTooLong(PASSWORD_MAX_BYTES));
    let password: string;
    try {
      password = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (err) {
      // Converted to a coded 400: the guest sent bytes that are not UTF-8 (agents post base64 text).
      return sendError(reply, errors.metadataBadRequest(`the password is not valid UTF-8 (${String(err)})`));
    }
    if (!instances.setPasswordOnce(id, password)) return sendError(reply, errors.passwordAlreadySet());
    return sendBody(reply, '', TEXT_PLAIN);
  }

  const answer = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = viewOrNotFound(request, reply, 'openstack');
    if (view === null) return reply;
    const params = request.params as { '*'?: string; version?: string };
    const segments = splitMetadataPath(params['*'] ?? (params.version === undefined ? '' : `${params.version}/password`));
    if (segments === null || segments.length > 2) return sendNotFound(request, reply);
    const [version, file] = segments;
    if (version === undefined) {
      // The listing ends at today's date (deps.clock).
      if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
      return sendBody(reply, openstackVersionListing(new Date(clock.now()).toISOString().slice(0, 10)), TEXT_PLAIN);
    }
    const versionDate = openstackVersionDate(version);
    if (versionDate === null) return sendNotFound(request, reply);
    const files = openstackFiles(view.instance, versionDate);
    if (file === undefined) {
      if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
      return sendBody(reply, files.join('\n'), TEXT_PLAIN);
    }
    const served = files.find((f) => f === file);
    if (served === undefined) return sendNotFound(request, reply);
    return serveFile(request, reply, view, served, versionDate);
  };

  // Returns nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/openstack', config, handler });
  app.route({ method: ROUTE_METHODS, url: '/openstack/*', config, handler });
  // Its own route only for the body limit: Nova refuses passwords over 1020 bytes with 400.
  app.route({
    method: ROUTE_METHODS,
    url: '/openstack/:version/password',
    config: { ...config, isPasswordRoute: true },
    bodyLimit: PASSWORD_MAX_BYTES,
    handler,
  });
}
