import { connect, type Socket } from 'node:net';
import { errors } from '../../../errors/catalogue.js';

type QmpReply = { return?: unknown; error?: { class: string; desc: string }; event?: string; id?: number };

/**
 * A minimal QMP client over a unix socket: greeting, `qmp_capabilities`, then one command at a time.
 * Events are ignored. QEMU's `-qmp` socket takes one client at a time, so callers connect, send and close.
 */
export class QmpClient {
  private readonly socket: Socket;
  private readonly socketPath: string;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; command: string }>();
  private closed = false;

  private constructor(socket: Socket, socketPath: string) {
    this.socket = socket;
    this.socketPath = socketPath;
  }

  /** Connects, reads the greeting and negotiates capabilities. Rejects with MC_ERR_QMP_FAILED. */
  static async open(socketPath: string, timeoutMs = 5000): Promise<QmpClient> {
    const socket = connect(socketPath);
    const client = new QmpClient(socket, socketPath);
    const greeting = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(errors.qmpFailed(socketPath, 'connect', `no greeting within ${timeoutMs} ms`)), timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(errors.qmpFailed(socketPath, 'connect', err.message).causedBy(err));
      });
      client.onGreeting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => client.onData(chunk));
    socket.on('close', () => client.failAll('connection closed'));
    socket.on('error', (err) => client.failAll(err.message));
    try {
      await greeting;
      await client.execute('qmp_capabilities');
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  private onGreeting: () => void = () => undefined;

  /** Runs one command and resolves with its `return` value; QMP errors reject with MC_ERR_QMP_FAILED. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(errors.qmpFailed(this.socketPath, command, 'connection closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, command });
      this.socket.write(JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id }) + '\n');
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.onMessage(JSON.parse(line) as QmpReply & { QMP?: unknown });
    }
  }

  private onMessage(msg: QmpReply & { QMP?: unknown }): void {
    if (msg.QMP !== undefined) {
      this.onGreeting();
      return;
    }
    if (msg.event !== undefined || msg.id === undefined) return;
    const waiter = this.pending.get(msg.id);
    if (!waiter) return;
    this.pending.delete(msg.id);
    if (msg.error) waiter.reject(errors.qmpFailed(this.socketPath, waiter.command, `${msg.error.class}: ${msg.error.desc}`));
    else waiter.resolve(msg.return);
  }

  private failAll(reason: string): void {
    this.closed = true;
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(errors.qmpFailed(this.socketPath, waiter.command, reason));
    }
  }
}
