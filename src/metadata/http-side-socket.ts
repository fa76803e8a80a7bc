import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * The stream node:http serves when the socket fast path (socket-fast-path.ts) needs it: node:http's
 * connection listener is given this instead of the TCP socket, so the fast path keeps the socket and
 * can go on answering memoised requests itself between the requests it passes on.
 *
 * Reading side: only what the fast path pushes (whole requests, or everything from some point on).
 * Writing side: straight to the TCP socket, in order, waiting for 'drain' when the socket's buffer is
 * full (so node:http sees the same backpressure). Ending it ends the socket (node:http answered
 * `Connection: close`); destroying it destroys the socket. The addresses are the socket's: fastify and
 * the metadata hooks identify the guest by `remoteAddress`. Timeouts are the fast path's (it keeps the
 * socket's own), so `setTimeout` here only remembers nothing.
 */
export class HttpSideSocket extends Duplex {
  private readonly tcp: Socket;
  /** Called when node:http wants more to read (the fast path may resume reading the socket). */
  private readonly onWantMore: () => void;

  constructor(tcp: Socket, onWantMore: () => void) {
    super({ allowHalfOpen: true });
    this.tcp = tcp;
    this.onWantMore = onWantMore;
  }

  get remoteAddress(): string | undefined {
    return this.tcp.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.tcp.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.tcp.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.tcp.localAddress;
  }
  get localPort(): number | undefined {
    return this.tcp.localPort;
  }

  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }
  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }

  override _read(): void {
    this.onWantMore();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.tcp.write(chunk)) done();
    else this.tcp.once('drain', () => done());
  }

  override _writev(chunks: { chunk: Buffer }[], done: (err?: Error | null) => void): void {
    this.tcp.cork();
    let ok = true;
    for (const { chunk } of chunks) ok = this.tcp.write(chunk);
    this.tcp.uncork();
    if (ok) done();
    else this.tcp.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.tcp.end();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.tcp.destroy();
    done(err);
  }
}
