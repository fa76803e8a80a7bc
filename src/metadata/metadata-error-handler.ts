import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus } from '../events/event-bus.js';
import { errors, isMinicloudError, type MinicloudError } from '../errors/catalogue.js';
import { PASSWORD_MAX_BYTES } from './openstack/openstack-files.js';
import { sendError } from './reply-helpers.js';

/**
 * Turns anything thrown while answering into a coded error. Fastify's own 4xx (bad body, bad URL,
 * oversized body) become MC_ERR_METADATA_* codes; everything else is a 500 whose detail goes to the
 * event stream, never to the guest.
 */
function toMetadataError(err: unknown, request: FastifyRequest): MinicloudError {
  if (isMinicloudError(err)) return err.httpStatus >= 500 ? errors.metadataInternal().causedBy(err) : err;
  const fastifyError = err as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // Nova answers an oversized password with 400, not 413.
    if (request.routeOptions.config?.isPasswordRoute === true) return errors.passwordTooLong(PASSWORD_MAX_BYTES);
    return errors.metadataBodyTooLarge(request.routeOptions.bodyLimit);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return errors.metadataBadRequest(fastifyError.message ?? 'malformed request').causedBy(err);
  }
  return errors.metadataInternal().causedBy(err);
}

export function createMetadataErrorHandler(bus: EventBus, now: () => number) {
  return function handleMetadataError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const coded = toMetadataError(err, request);
    if (coded.httpStatus >= 500) {
      const cause = (coded as { cause?: unknown }).cause;
      const detail = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
      bus.publish({
        type: 'notice',
        at: now(),
        level: 'error',
        code: coded.code,
        message: `metadata ${request.method} ${request.url.slice(0, 200)} failed: ${detail}`,
      });
    }
    return sendError(reply, coded);
  };
}
