import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors, type MinicloudError } from '../errors/catalogue.js';
import type { InstanceView } from './instance-views.js';
import type { MetadataFlavour } from './request-context.js';
import { displayPath } from './request-path.js';

/** Sends a prepared body with its type; fastify adds Content-Length (also for HEAD, whose body Node drops). */
export function sendBody(reply: FastifyReply, body: Buffer | string, contentType: string): FastifyReply {
  return reply.header('content-type', contentType).send(body);
}

/**
 * The one way an error reaches a guest: its status, a plain-text body `<message> [<code>]`. A 5xx
 * never carries detail (the error handler swaps in MC_ERR_METADATA_INTERNAL before calling this).
 */
export function sendError(reply: FastifyReply, err: MinicloudError): FastifyReply {
  return reply.code(err.httpStatus).header('content-type', ERROR_CONTENT_TYPE).send(errorBody(err));
}

/** The body and content type of every error answer (also those written on the socket: client-errors.ts). */
export function errorBody(err: MinicloudError): string {
  return `${err.message} [${err.code}]\n`;
}
export const ERROR_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * An error answered before the handler (src/metadata/request-gate.ts, unknown sources). Such a request's
 * body, if it has one, was never read: the connection is closed after the answer, so node:http neither
 * reads nor discards whatever the client goes on sending.
 */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, err: MinicloudError): FastifyReply {
  const headers = request.headers;
  if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) reply.header('connection', 'close');
  return sendError(reply, err);
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, errors.metadataNotFound(displayPath(request.url)));
}

/**
 * The guard every metadata handler starts with: records the request as `flavour`'s (request log) and
 * returns the view of the instance that owns the source address. For an unknown source it sends the
 * 404 and returns null: the handler then returns `reply`.
 */
export function viewOrNotFound(request: FastifyRequest, reply: FastifyReply, flavour: MetadataFlavour): InstanceView | null {
  request.metadataFlavour = flavour;
  const view = request.metadataView;
  if (view === null) sendNotFound(request, reply);
  return view;
}

/** 405 with the Allow header listing what the path does accept. */
export function sendMethodNotAllowed(request: FastifyRequest, reply: FastifyReply, allowed: string): FastifyReply {
  reply.header('allow', allowed);
  return sendError(reply, errors.metadataMethodNotAllowed(request.method, displayPath(request.url), allowed));
}

export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Every method a metadata route is registered for, so a wrong method is a 405 and not a 404. */
export const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
export const ALLOW_READ = 'GET, HEAD';
