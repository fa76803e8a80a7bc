import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { Clock } from '../../ports/clock.js';
import { rememberAnswer, type InstanceView } from '../instance-views.js';
import { nodeBody, resolveNode, TEXT_PLAIN } from '../metadata-tree.js';
import { ALLOW_READ, isReadMethod, ROUTE_METHODS, sendBody, sendError, sendMethodNotAllowed, sendNotFound, viewOrNotFound } from '../reply-helpers.js';
import { splitMetadataPath } from '../request-path.js';
import { EC2_VERSIONS, isEc2Version } from './ec2-versions.js';
import { issueImdsToken, parseTokenTtl, verifyImdsToken } from './imds-token.js';

export interface Ec2PluginOptions {
  clock: Clock;
  tokenSecret: Uint8Array;
  /** Serve the instance's cloud events (spot/, events/, autoscaling/), as EC2 does; Nova's EC2 tree has none. */
  cloudEvents: boolean;
}

const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const ROOT_LISTING = EC2_VERSIONS.join('\n');

/**
 * The EC2 instance metadata API (IMDSv1 and v2) at `/` and `/<version>/…`. Registered without
 * fastify-plugin: its routes are the catch-all, so `/openstack` and `/nocloud` (static prefixes) win.
 */
export async function ec2Plugin(app: FastifyInstance, opts: Ec2PluginOptions): Promise<void> {
  const { clock, tokenSecret } = opts;
  const config = { flavour: 'ec2' as const };

  /** IMDSv2 gate: a presented token must be valid (any mode); no token is fine only in `optional` mode. */
  function checkToken(request: FastifyRequest, reply: FastifyReply, view: InstanceView): boolean {
    const token = request.headers[TOKEN_HEADER];
    if (token === undefined) {
      if (view.instance.imdsv2 === 'optional') return true;
      sendError(reply, errors.imdsTokenRequired());
      return false;
    }
    const subject = { instanceId: view.instance.id, ip: request.metadataSource };
    if (typeof token === 'string' && verifyImdsToken(tokenSecret, subject, token, clock.now())) return true;
    sendError(reply, errors.imdsTokenInvalid());
    return false;
  }

  function issueToken(request: FastifyRequest, reply: FastifyReply, view: InstanceView, version: string): FastifyReply {
    if (version !== 'latest') return sendError(reply, errors.imdsTokenPath(`/${version}/api/token`));
    // A proxy in front of the guest adds X-Forwarded-For; EC2 refuses such token requests (SSRF defence).
    if (request.headers['x-forwarded-for'] !== undefined) return sendError(reply, errors.imdsTokenForwarded());
    const header = request.headers[TTL_HEADER];
    const raw = typeof header === 'string' ? header : undefined;
    const ttl = parseTokenTtl(raw);
    if (ttl === null) return sendError(reply, errors.imdsTokenTtlInvalid(raw ?? null));
    const token = issueImdsToken(tokenSecret, { instanceId: view.instance.id, ip: request.metadataSource }, clock.now() + ttl * 1000);
    // The SDKs (Go, Rust) parse this echo as an integer and reject the token without it.
    reply.header(TTL_HEADER, String(ttl));
    return sendBody(reply, token, TEXT_PLAIN);
  }

  // One handler for `/` and `/*`; returns nothing: a returned reply is a thenable, which sends fastify
  // down its slower promise path.
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    answer(request, reply);
  };
  app.route({ method: ROUTE_METHODS, url: '/', config, handler });
  app.route({ method: ROUTE_METHODS, url: '/*', config, handler });

  function answer(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const view = viewOrNotFound(request, reply, 'ec2');
    if (view === null) return reply;
    const rest = (request.params as { '*'?: string })['*'];
    return rest === undefined ? answerRoot(request, reply, view) : answerPath(request, reply, view, rest);
  }

  function answerRoot(request: FastifyRequest, reply: FastifyReply, view: InstanceView): FastifyReply {
    if (!isReadMethod(request.method)) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    if (!checkToken(request, reply, view)) return reply;
    return sendBody(reply, ROOT_LISTING, TEXT_PLAIN);
  }

  function answerPath(request: FastifyRequest, reply: FastifyReply, view: InstanceView, rest: string): FastifyReply {
    const isRead = isReadMethod(request.method);

    // Hot path: an answer this instance already resolved for exactly this path.
    if (isRead) {
      const known = view.answers.get(rest);
      if (known !== undefined) {
        if (!checkToken(request, reply, view)) return reply;
        return sendBody(reply, known.body, known.contentType);
      }
    }

    const segments = splitMetadataPath(rest);
    const version = segments?.[0];
    if (segments === null || version === undefined || !isEc2Version(version)) return sendNotFound(request, reply);
    if (segments.length === 3 && segments[1] === 'api' && segments[2] === 'token') {
      if (request.method === 'PUT') return issueToken(request, reply, view, version);
      return sendMethodNotAllowed(request, reply, 'PUT');
    }
    if (!isRead) return sendMethodNotAllowed(request, reply, ALLOW_READ);
    if (!checkToken(request, reply, view)) return reply;
    const node = resolveNode(view.ec2Tree(version, opts.cloudEvents), segments.slice(1));
    if (node === undefined) return sendNotFound(request, reply);
    const answer = nodeBody(node);
    rememberAnswer(view, rest, answer);
    return sendBody(reply, answer.body, answer.contentType);
  }
}
