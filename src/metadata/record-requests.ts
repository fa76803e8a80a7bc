import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { EventBus } from '../events/event-bus.js';
import type { RequestLogStore } from '../ports/store.js';

const MAX_LOGGED_PATH = 1024;

/** The request URL as the log keeps it: as sent (query string included), cut at 1024 characters. */
function loggedPath(url: string): string {
  return url.length > MAX_LOGGED_PATH ? url.slice(0, MAX_LOGGED_PATH) : url;
}

/**
 * The record of one answered request, built in onResponse. Pure apart from reading the request/reply.
 * `bytes` is what went on the wire as body: 0 for HEAD.
 */
export function buildRequestRecord(request: FastifyRequest, reply: FastifyReply): MetadataRequestRecord {
  const length = reply.getHeader('content-length');
  const ua = request.headers['user-agent'];
  return {
    time: request.metadataArrivedAt,
    instanceId: request.metadataView?.instance.id ?? null,
    sourceIp: request.metadataSource,
    method: request.method,
    path: loggedPath(request.url),
    status: reply.statusCode,
    bytes: request.method === 'HEAD' || length === undefined ? 0 : Number(length),
    latencyMs: reply.elapsedTime,
    userAgent: ua === undefined ? null : ua,
    tokenUsed: request.headers['x-aws-ec2-metadata-token'] !== undefined,
    flavour: request.metadataFlavour,
    fault: request.metadataFault,
  };
}

/**
 * Where every request record goes: appended to the log (which batches; append never waits on disk) and
 * published on the event stream for the TUI and `metadata-log -f`. A failing log is reported as a notice
 * event, never allowed to fail or slow the guest's request.
 */
export function createRecordSink(requestLog: RequestLogStore, bus: EventBus, now: () => number): (record: MetadataRequestRecord) => void {
  return function sinkRecord(record: MetadataRequestRecord): void {
    try {
      requestLog.append(record);
    } catch (err) {
      bus.publish({ type: 'notice', at: now(), level: 'error', message: `metadata request log append failed: ${String(err)}` });
    }
    bus.publish({ type: 'metadata.request', at: record.time, request: record });
  };
}

/** The onResponse hook: records every request fastify answered (see createRecordSink). */
export function createRequestRecorder(sink: (record: MetadataRequestRecord) => void) {
  return function recordRequest(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    sink(buildRequestRecord(request, reply));
    done();
  };
}
