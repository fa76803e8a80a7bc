import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, type MinicloudError } from '../../errors/catalogue.js';
import { rememberAnswer, type InstanceView } from '../../metadata/instance-views.js';
import type { MetadataApi } from '../../metadata/metadata-api.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../../metadata/reply-helpers.js';
import { splitMetadataPath } from '../../metadata/request-path.js';
import { opcAnswer } from './opc-answer.js';
import { buildOpcInstance, buildOpcVnics, type OpcContext } from './opc-documents.js';

/** The one value OCI accepts: `Authorization: Bearer Oracle` (cloud-init's V2_HEADERS). */
const V2_AUTHORIZATION = 'Bearer Oracle';
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host'];
const FLAVOUR = 'oracle';

/**
 * OCI's instance metadata service: `/opc/v2/{instance,vnics}/…` (every request must carry
 * `Authorization: Bearer Oracle`: 401 without, as on OCI; forwarded requests are refused) and the legacy
 * `/opc/v1/…` (no header), which serves the same documents: cloud-init falls back to it when v2 fails.
 * An instance with `imdsv2: required` has the legacy endpoints disabled, as an OCI instance whose
 * IMDSv1 is turned off: `/opc/v1/…` is 404.
 */
export const oracleApi: MetadataApi = {
  name: FLAVOUR,
  plugin: async (app, ctx) => oraclePlugin(app, { accountId: ctx.accountId }),
};

async function oraclePlugin(app: FastifyInstance, opc: OpcContext): Promise<void> {
  const config = { flavour: FLAVOUR };
  // Returns nothing: a returned reply is a thenable, which sends fastify down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/opc/*', config, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const view = viewOrNotFound(request, reply, FLAVOUR);
    if (view === null) return reply;
    const rest = (request.params as { '*': string })['*'];
    const segments = splitMetadataPath(rest);
    const version = segments?.[0];
    if (segments === null || (version !== 'v1' && version !== 'v2')) return sendNotFound(request, reply);
    if (version === 'v2') {
      const refused = v2Refusal(request);
      if (refused !== null) return sendError(reply, refused);
    } else if (view.instance.imdsv2 === 'required') {
      return sendNotFound(request, reply);
    }
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);

    // Both versions serve the same documents: one memo entry per path inside them.
    const key = `opc:${segments.slice(1).join('/')}`;
    const known = view.answers.get(key);
    if (known !== undefined) return sendBody(reply, known.body, known.contentType);
    const resolved = resolve(view, segments.slice(1));
    if (resolved === null) return sendNotFound(request, reply);
    rememberAnswer(view, key, resolved);
    return sendBody(reply, resolved.body, resolved.contentType);
  }

  function resolve(view: InstanceView, path: readonly string[]): ReturnType<typeof opcAnswer> {
    const [document, ...inside] = path;
    if (document === 'instance') return opcAnswer(buildOpcInstance(view.instance, opc), inside);
    if (document === 'vnics') return opcAnswer(buildOpcVnics(view.instance), inside);
    return null;
  }
}

/** Why OCI refuses a v2 request: no (or another) Authorization header, or a proxy's forwarding header. */
function v2Refusal(request: FastifyRequest): MinicloudError | null {
  if (request.headers.authorization !== V2_AUTHORIZATION) return errors.opcAuthorizationRequired();
  const forwarded = FORWARDING_HEADERS.find((h) => request.headers[h] !== undefined);
  return forwarded === undefined ? null : errors.opcForwardedRefused(forwarded);
}
