import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { errors, type MinicloudError } from '../errors/catalogue.js';
import { displayPath } from './request-path.js';

const SLASH = 0x2f;
const ABSOLUTE_FORM = /^https?:\/\//i;
const ENCODED_SLASH = /%2f/i;

/**
 * Why a request is refused before any tree is consulted, or null when it may go on. Runs first in the
 * onRequest hook, for every request, so the common case is a few property reads:
 *   - a request-target that is neither origin-form (`/…`) nor absolute-form (`http://host/…`), such as
 *     the asterisk-form `*` of `OPTIONS *`: 400 (the router would otherwise answer it as `/`);
 *   - an encoded slash (`%2F`) in the path: 404. The router decodes it into a separator, but in a URL it
 *     is a character of a segment, and no segment of the trees contains `/`;
 *   - an HTTP/1.1 request without Host: 400 (node:http's own rule, which minicloud turns off so that the
 *     answer goes through fastify and into the request log);
 *   - an Expect the server cannot meet: 417 (node:http hands such requests over through its
 *     `checkExpectation` event; the caller adds them to `unmetExpectations` and routes them here).
 */
export function refusedRequest(request: FastifyRequest, unmetExpectations: WeakSet<IncomingMessage>): MinicloudError | null {
  const url = request.url;
  if (url.charCodeAt(0) !== SLASH && !ABSOLUTE_FORM.test(url)) {
    return errors.metadataBadRequest(`the request target ${JSON.stringify(url.slice(0, 40))} names no metadata path`);
  }
  const percent = url.indexOf('%');
  if (percent !== -1) {
    const query = url.indexOf('?');
    if (ENCODED_SLASH.test(query === -1 ? url : url.slice(0, query))) return errors.metadataNotFound(displayPath(url));
  }
  const raw = request.raw;
  const headers = raw.headers;
  if (headers.expect !== undefined && unmetExpectations.has(raw)) return errors.metadataExpectationFailed(headers.expect.slice(0, 40));
  if (headers.host === undefined && raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1) {
    return errors.metadataBadRequest('an HTTP/1.1 request must carry a Host header');
  }
  return null;
}
