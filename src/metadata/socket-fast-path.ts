import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceStore } from '../ports/store.js';
import { wireBytes, wireHead, type WireHead } from './memo-wire.js';
import { replayedRecord } from './record-requests.js';
import { sourceAddress } from './request-context.js';
import type { MemoEntry, ResponseMemo } from './response-memo.js';
import { HttpSideSocket } from './http-side-socket.js';
import { parseSimpleRequest, type SimpleRequest } from './simple-request.js';

export interface SocketFastPathDeps {
  instances: InstanceStore;
  clock: Clock;
  sink: (record: MetadataRequestRecord) => void;
  memo: ResponseMemo;
  keepAliveTimeoutMs: number;
  /** Before a connection's first answer (node:http's server.timeout). */
  idleTimeoutMs: number;
  maxHeadBytes: number;
}

/** Written but unsent bytes past which a connection stops being read until it drains (a client not reading). */
const MAX_UNSENT_BYTES = 64 * 1024;
/** Received but unanswered bytes (waiting behind a request node:http is answering) past which reading stops. */
const MAX_PENDING_BYTES = 64 * 1024;

/**
 * The response memo's front door, BELOW node:http. Every accepted connection starts here. Its requests
 * are taken one at a time, in order:
 *   - simple (simple-request.ts) and memoised: answered straight from the socket with the bytes node:http
 *     would have written (memo-wire.ts), recorded through the same sink as every other answer;
 *   - simple but not memoised: passed, alone, to node:http through an HttpSideSocket; the next request is
 *     looked at only once node:http has finished answering it (so answers keep their order);
 *   - anything else — not simple, incomplete in what has arrived, or arriving while the server closes:
 *     from there on every byte of the connection goes to node:http, which owns it for the rest of its life.
 * node:http therefore sees exactly the requests the fast path did not answer, as whole messages, on a
 * stream whose writes go to the socket in order; fastify and its hooks behind it are unchanged.
 *
 * Why: node:http's per-request machinery (IncomingMessage, ServerResponse, header building, stream
 * events) costs more than the whole memoised answer, and guests and pollers repeat the same URLs.
 *
 * Kept as node:http keeps it: same bytes (only Date differs by clock); HTTP/1.1 keep-alive with the
 * server's keep-alive timeout (its idle timeout before the first answer); idle connections destroyed by
 * closeIdleConnections (which fastify's close and server.close() call); a half-closed connection ended
 * once answered; a socket error ends only that connection; a client that does not read is not read from.
 * The connection's source address is read once, at accept: it cannot change.
 */
export function installSocketFastPath(server: Server, deps: SocketFastPathDeps): void {
  const { instances, clock, sink, memo } = deps;
  const httpListeners = server.listeners('connection');
  const httpConnectionListener = httpListeners[0];
  if (httpListeners.length !== 1 || httpConnectionListener === undefined) {
    throw new Error(`socket fast path: expected node:http's one connection listener, found ${httpListeners.length}`);
  }
  const toNodeHttp: (socket: HttpSideSocket) => void = (socket) => httpConnectionListener.call(server, socket);
  server.removeAllListeners('connection');
  const connections = new Set<FastPathConnection>();
  const byHttpSide = new WeakMap<object, FastPathConnection>();
  const caches = new WeakMap<MemoEntry, WireCache | null>();
  let closing = false;
  let dateSecond = -1;
  let date = '';

  /** One accepted connection while the fast path holds it (see above). */
  class FastPathConnection {
    private readonly socket: Socket;
    private readonly source: string;
    /** Received, not yet answered or passed on. */
    private pending: Buffer = EMPTY;
    private httpSide: HttpSideSocket | null = null;
    /** A request passed to node:http whose answer is not finished. */
    private inFlight = false;
    /** Everything goes to node:http from now on. */
    private piped = false;
    private peerEnded = false;
    private endPassedOn = false;
    private keepAliveArmed = false;
    private awaitingDrain = false;

    constructor(socket: Socket) {
      this.socket = socket;
      this.source = sourceAddress(socket.remoteAddress);
      socket.setTimeout(deps.idleTimeoutMs);
      socket.on('data', (chunk: Buffer) => this.received(chunk));
      socket.on('end', () => {
        this.peerEnded = true;
        this.pump();
      });
      socket.on('timeout', () => socket.destroy());
      socket.on('error', () => socket.destroy()); // reset by the peer and the like: this connection only
      socket.on('close', () => {
        connections.delete(this);
        this.httpSide?.destroy();
      });
    }

    /** Idle: nothing pending, nothing with node:http. Only then may closeIdleConnections end it. */
    get idle(): boolean {
      return !this.piped && !this.inFlight && this.pending.length === 0;
    }

    destroy(): void {
      this.socket.destroy();
    }

    /** node:http finished the answer to the request passed to it. */
    answered(): void {
      this.inFlight = false;
      this.pump();
    }

    private received(chunk: Buffer): void {
      if (this.piped) {
        if (!this.toHttp().push(chunk)) this.socket.pause(); // resumed by the HttpSideSocket's _read
        return;
      }
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.pump();
    }

    /** Answers or passes on what is pending, as far as order allows (one request with node:http at a time). */
    private pump(): void {
      // node:http ended the connection (it answered `Connection: close`): what else was sent goes unanswered, as there.
      if (!this.socket.writable) return;
      let offset = 0;
      let corked = false;
      const pending = this.pending;
      while (!this.piped && !this.inFlight && offset < pending.length) {
        const request = closing ? null : parseSimpleRequest(pending, offset, deps.maxHeadBytes);
        if (request === null) {
          this.pipe(pending.subarray(offset));
          offset = pending.length;
          break;
        }
        memo.sync(instances.revision());
        const entry = memo.get(this.source, request.method, request.url);
        const cache = entry === undefined ? null : cacheFor(entry, request.method);
        if (entry === undefined || cache === null) {
          this.inFlight = true;
          this.toHttp().push(pending.subarray(offset, request.end));
          offset = request.end;
          break;
        }
        if (!corked) {
          this.socket.cork();
          corked = true;
        }
        this.answer(request, entry, cache);
        offset = request.end;
      }
      this.pending = offset === pending.length ? EMPTY : pending.subarray(offset);
      if (corked) this.socket.uncork();
      this.afterPump();
    }

    private answer(request: SimpleRequest, entry: MemoEntry, cache: WireCache): void {
      const time = clock.now();
      const start = performance.now();
      this.socket.write(bytesFor(cache));
      sink(replayedRecord(entry.record, { time, sourceIp: this.source, method: request.method, url: request.url, userAgent: request.userAgent, latencyMs: performance.now() - start }));
    }

    private afterPump(): void {
      if (this.piped) return;
      if (this.idle) {
        // The server is closing: swept as node:http sweeps its idle connections, once what was written is sent.
        if (closing) return void this.socket.destroySoon();
        if (this.peerEnded) {
          if (this.endPassedOn) return;
          this.endPassedOn = true;
          if (this.httpSide === null) this.socket.end();
          else this.httpSide.push(null); // node:http ends it once it has answered
          return;
        }
        if (!this.keepAliveArmed) {
          // Inactivity from here on is keep-alive idleness; reads and writes re-arm the timer themselves.
          this.keepAliveArmed = true;
          this.socket.setTimeout(deps.keepAliveTimeoutMs);
        }
      }
      this.flow();
    }

    /**
     * A client that sends without reading what it is sent, or sends far ahead of a request node:http is
     * answering, is not read from until it has caught up (the socket's own buffers bound the rest).
     */
    private flow(): void {
      if (this.piped) return; // node:http's flow control through the HttpSideSocket from here on
      const unsent = this.socket.writableLength > MAX_UNSENT_BYTES;
      if (unsent || this.pending.length > MAX_PENDING_BYTES) {
        this.socket.pause();
        if (unsent && !this.awaitingDrain) {
          this.awaitingDrain = true;
          this.socket.once('drain', () => {
            this.awaitingDrain = false;
            this.flow();
          });
        }
      } else if (this.socket.isPaused()) this.socket.resume();
    }

    /** From here on node:http owns every byte: `rest` first, then whatever arrives. */
    private pipe(rest: Buffer): void {
      this.piped = true;
      // node:http's own timers do not reach the socket through the HttpSideSocket: its idle timeout
      // (server.timeout) applies from here on, its request and header timeouts still run in node:http.
      this.socket.setTimeout(deps.idleTimeoutMs);
      const httpSide = this.toHttp();
      if (rest.length > 0 && !httpSide.push(rest)) this.socket.pause();
      if (this.peerEnded) httpSide.push(null);
      else this.socket.once('end', () => httpSide.push(null));
    }

    private toHttp(): HttpSideSocket {
      if (this.httpSide === null) {
        const httpSide = new HttpSideSocket(this.socket, () => {
          if (this.piped && this.socket.isPaused()) this.socket.resume();
        });
        this.httpSide = httpSide;
        byHttpSide.set(httpSide, this);
        toNodeHttp(httpSide);
      }
      return this.httpSide;
    }
  }

  server.on('connection', (socket: Socket) => {
    connections.add(new FastPathConnection(socket));
  });
  // Tell a connection when node:http has finished the answer it was waiting for.
  // Added after fastify's handler, so that fastify's own 'finish' work (recording the request in
  // onResponse) runs before the connection answers the next request: the log keeps the order.
  // 'finish' comes at the earliest a tick after the handler (node:http corks until then).
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const connection = byHttpSide.get(request.socket);
    if (connection === undefined) return;
    if (response.writableFinished) setImmediate(() => connection.answered());
    else response.once('finish', () => connection.answered());
  });

  // Idle fast-path connections are swept with node:http's own idle ones.
  const sweep = (all: boolean): void => {
    closing = true;
    for (const connection of connections) if (all || connection.idle) connection.destroy();
  };
  const closeIdleConnections = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => {
    sweep(false);
    closeIdleConnections();
  };
  const closeAllConnections = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    sweep(true);
    closeAllConnections();
  };

  function cacheFor(entry: MemoEntry, method: 'GET' | 'HEAD'): WireCache | null {
    let cache = caches.get(entry);
    if (cache === undefined) {
      const head = wireHead(entry, deps.keepAliveTimeoutMs);
      cache = head === null ? null : { head, body: method === 'HEAD' ? null : entry.body, second: -1, bytes: EMPTY };
      caches.set(entry, cache);
    }
    return cache;
  }

  /** The entry's bytes with the current Date, rebuilt once a second (node:http's Date changes as often). */
  function bytesFor(cache: WireCache): Buffer {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== dateSecond) {
      dateSecond = second;
      date = new Date(now).toUTCString();
    }
    if (cache.second !== second) {
      cache.second = second;
      cache.bytes = wireBytes(cache.head, date, cache.body);
    }
    return cache.bytes;
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Per memo entry (an entry only ever answers one method: the memo keys by method): its head, its body
 * (null for HEAD), and its bytes for the second they were last built in.
 */
interface WireCache {
  readonly head: WireHead;
  readonly body: Buffer | null;
  second: number;
  bytes: Buffer;
}
