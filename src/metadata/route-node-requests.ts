import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Requests node:http parses but would answer or drop by itself, without fastify: routed into fastify's
 * router instead, so the hooks see them (the request gate refuses them: src/metadata/request-gate.ts)
 * and they are recorded like every other answer.
 *   - An `Expect` other than 100-continue (node's `checkExpectation` event; node would write a bare 417):
 *     the request is added to the returned set, which the gate reads.
 *   - CONNECT (node's `connect` event, which hands over the raw socket and drops it when nobody
 *     listens): answered on a ServerResponse of its own; the connection is closed once the answer is
 *     written, and a client that neither reads nor closes is cut off after `idleTimeoutMs`.
 */
export function routeNodeRequests(app: FastifyInstance, opts: { idleTimeoutMs: number }): WeakSet<IncomingMessage> {
  const unmetExpectations = new WeakSet<IncomingMessage>();
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    unmetExpectations.add(req);
    app.routing(req, res);
  });
  app.server.on('connect', (req: IncomingMessage, socket: Socket) => {
    // node:http has taken its own listeners off the socket: errors and timeouts are ours now.
    socket.on('error', () => socket.destroy());
    socket.setTimeout(opts.idleTimeoutMs, () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.once('finish', () => {
      res.detachSocket(socket);
      socket.destroySoon();
    });
    app.routing(req, res);
  });
  return unmetExpectations;
}
