import { connect, type Socket } from 'node:net';

/**
 * One keep-alive HTTP/1.1 connection from a chosen source address (Linux routes all of 127/8 to lo, so
 * a test can be several guests), speaking raw bytes: the tests see exactly what the server wrote.
 */
export class RawConnection {
  private readonly socket: Socket;
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private ended = false;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiting?.();
    });
    this.closed = new Promise((ok) =>
      socket.once('close', () => {
        this.ended = true;
        this.waiting?.();
        ok();
      }),
    );
    socket.on('error', () => {}); // a reset shows as `closed`
  }

  static open(port: number, localAddress: string): Promise<RawConnection> {
    return new Promise((ok, fail) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress }, () => ok(new RawConnection(socket)));
      socket.once('error', fail);
    });
  }

  /** The request bytes `exchange` sends: Host and User-Agent first, then `headers`. */
  static request(method: string, path: string, headers: Record<string, string> = {}): string {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 169.254.169.254', 'User-Agent: raw-test/1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    return `${lines.join('\r\n')}\r\n\r\n`;
  }

  /** Sends one request and resolves with the exact bytes of its response (status line, headers, body). */
  async exchange(method: string, path: string, headers: Record<string, string> = {}): Promise<Buffer> {
    this.send(RawConnection.request(method, path, headers));
    return this.response(method);
  }

  /** Writes raw bytes as they are (several requests, half a request, anything). */
  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Half-closes: the client sends FIN and keeps reading. */
  end(): void {
    this.socket.end();
  }

  /** The next whole response (Content-Length framed; none for HEAD); rejects if the connection closes first. */
  async response(method = 'GET'): Promise<Buffer> {
    for (;;) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end !== -1) {
        const head = this.buffered.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        const bodyLength = method === 'HEAD' || length === null ? 0 : Number(length[1]);
        const total = end + 4 + bodyLength;
        if (this.buffered.length >= total) {
          const response = this.buffered.subarray(0, total);
          this.buffered = this.buffered.subarray(total);
          return response;
        }
      }
      if (this.ended) throw new Error(`connection closed with ${this.buffered.length} bytes of an incomplete response`);
      await new Promise<void>((ok) => (this.waiting = ok));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export function statusOf(response: Buffer): number {
  return Number(response.toString('latin1').slice(9, 12));
}

export function bodyOf(response: Buffer): string {
  const text = response.toString('utf8');
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

/** The value of one response header (first occurrence, case-insensitive), or null. */
export function headerOf(response: Buffer, name: string): string | null {
  const head = response.toString('latin1').split('\r\n\r\n')[0] ?? '';
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (line.slice(0, colon).toLowerCase() === name.toLowerCase()) return line.slice(colon + 1).trim();
  }
  return null;
}

/**
 * Sends raw bytes on a fresh connection from 127.0.0.1 and returns everything answered until the server
 * closes it; the client half-closes after `endAfterMs` (default 300 ms) in case the server keeps it open.
 */
export function rawExchange(port: number, request: string, opts: { endAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(request);
    setTimeout(() => socket.end(), opts.endAfterMs ?? 300);
  });
}
