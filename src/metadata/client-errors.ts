import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import { errors, type MinicloudError } from '../errors/catalogue.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceViews } from './instance-views.js';
import type { MetadataLimits } from './metadata-limits.js';
import { ERROR_CONTENT_TYPE, errorBody } from './reply-helpers.js';
import { sourceAddress } from './request-context.js';

export interface ClientErrorDeps {
  sink: (record: MetadataRequestRecord) => void;
  views: InstanceViews;
  clock: Clock;
  limits: Pick<MetadataLimits, 'maxHeaderBytes' | 'requestTimeoutMs'>;
}

/**
 * fastify's `clientErrorHandler`: requests node:http refuses before it has parsed them (a bad request
 * line or header, request line and headers over the limit, not all there within the request timeout)
 * never reach fastify. Each is answered on the socket with a coded plain-text error and
 * `Connection: close`, and recorded through the same sink as every other answer, so the request log
 * accounts for all traffic: method and path `-` (not parsed), the instance the source belongs to,
 * latency 0, no flavour. A connection that is reset or no longer writable gets no answer and no record:
 * nothing was asked that could be answered.
 */
export function createClientErrorHandler(deps: ClientErrorDeps): (err: Error & { code?: string }, socket: Socket) => void {
  return function answerClientError(err, socket) {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const coded = codedClientError(err.code, deps.limits);
    const body = errorBody(coded);
    const bytes = Buffer.byteLength(body);
    const status = coded.httpStatus;
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: ${ERROR_CONTENT_TYPE}\r\nContent-Length: ${bytes}\r\n\r\n${body}`);
    const sourceIp = sourceAddress(socket.remoteAddress);
    deps.sink({
      time: deps.clock.now(),
      instanceId: deps.views.forSource(sourceIp)?.instance.id ?? null,
      sourceIp,
      method: '-',
      path: '-',
      status,
      bytes,
      latencyMs: 0,
      userAgent: null,
      tokenUsed: false,
      flavour: null,
      fault: null,
    });
  };
}

function codedClientError(code: string | undefined, limits: ClientErrorDeps['limits']): MinicloudError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return errors.metadataHeadersTooLarge(limits.maxHeaderBytes);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.metadataRequestTimeout(limits.requestTimeoutMs);
    default:
      return errors.metadataBadRequest(`node:http could not parse the request (${code ?? 'unknown error'})`);
  }
}
