import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultBook } from '../core/fault-book.js';
import { faultPath } from '../core/fault-glob.js';
import { NO_ANSWER_STATUS } from '../domain/fault-rule.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { InstanceView } from './instance-views.js';
import { buildRequestRecord } from './record-requests.js';

/** The onRequest hook's fault step: called with the request's instance known and `faults.activeCount > 0`. */
export type InjectFault = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

const FAULT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * Applies the first fault rule that fires on a request (docs/faults.md), from the onRequest hook, after
 * the request gate and the instance lookup and before any handler (so before every answer memo):
 *   - status: answers the rule's status and body; no handler runs. Recorded by onResponse as usual.
 *   - delay: waits, then lets the request go on to its handler (the normal answer, its latency
 *     including the delay). A client that goes away meanwhile gets nothing and is recorded with status 0.
 *   - reset: resets the connection (TCP RST) at once; recorded with status 0.
 *   - hang: never answers; the connection's idle timeout is turned off, so the request is held until the
 *     client closes it or the server closes; recorded with status 0 then, its latency the time held.
 * Every record of such a request carries the rule's id (`fault`). Closing the app answers the delayed
 * requests at once and cuts the held ones (preClose), so a close never waits for a rule.
 */
export function createFaultInjector(app: FastifyInstance, deps: { faults: FaultBook; sink: (record: MetadataRequestRecord) => void }): InjectFault {
  const { faults, sink } = deps;
  /** Requests a delay or a hang is holding: how to let each go when the server closes. */
  const held = new Set<() => void>();

  const recordNoAnswer = (request: FastifyRequest, reply: FastifyReply): void => {
    sink({ ...buildRequestRecord(request, reply), status: NO_ANSWER_STATUS, bytes: 0 });
  };

  // Both watch the socket, not the response: a pipelined request's response is not attached to the
  // socket yet and never sees it close.
  const delay = (request: FastifyRequest, reply: FastifyReply, delayMs: number, done: () => void): void => {
    const socket = request.raw.socket;
    const release = (): void => {
      clearTimeout(timer);
      held.delete(release);
      socket.off('close', onClientGone);
      done();
    };
    const onClientGone = (): void => {
      clearTimeout(timer);
      held.delete(release);
      recordNoAnswer(request, reply);
    };
    const timer = setTimeout(release, delayMs);
    socket.once('close', onClientGone);
    held.add(release);
  };

  const hang = (request: FastifyRequest, reply: FastifyReply): void => {
    const socket = request.raw.socket;
    // node:http's idle timeout would cut the connection after 10 s; the client decides when to give up.
    socket.setTimeout(0);
    const cut = (): void => {
      socket.destroy();
    };
    socket.once('close', () => {
      held.delete(cut);
      recordNoAnswer(request, reply);
    });
    held.add(cut);
  };

  app.addHook('preClose', (done) => {
    for (const release of [...held]) release();
    done();
  });

  return function injectFault(request, reply, done) {
    const instance = (request.metadataView as InstanceView).instance;
    const rule = faults.decide({
      method: request.method,
      path: faultPath(request.url),
      instanceId: instance.id,
      instanceName: instance.name,
      ip: request.metadataSource,
      cloud: instance.datasource,
    });
    if (rule === null) return done();
    request.metadataFault = rule.id;
    // The API the request was routed to (its handler may never run).
    request.metadataFlavour = request.routeOptions.config?.flavour ?? null;
    const action = rule.action;
    switch (action.kind) {
      case 'status': {
        // A request body (the password POST) is not read: close the connection after the answer.
        const headers = request.headers;
        if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) reply.header('connection', 'close');
        reply.code(action.status).header('content-type', FAULT_CONTENT_TYPE).send(action.body);
        return;
      }
      case 'delay':
        delay(request, reply, action.delayMs, done);
        return;
      case 'reset':
        recordNoAnswer(request, reply);
        request.raw.socket.resetAndDestroy();
        return;
      case 'hang':
        hang(request, reply);
        return;
    }
  };
}
