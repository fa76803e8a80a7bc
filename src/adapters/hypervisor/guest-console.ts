import { open, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { errors } from '../../errors/catalogue.js';

/**
 * Connects to a guest's serial console socket (both drivers bind one at GuestFiles.consoleSocket).
 * The returned socket is a duplex stream: what the guest prints, and keystrokes to it. One client at a
 * time; the console log keeps recording either way.
 */
export function attachConsoleSocket(instanceId: string, socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('connect', () => resolve(socket));
    socket.once('error', (err) => reject(errors.hypervisorUnavailable(`console of ${instanceId} (${socketPath}): ${err.message}`).causedBy(err)));
  });
}

/**
 * Follows a console log like `tail -c +1 -f`: yields everything from the first byte, then new bytes as
 * they are written, until `signal` aborts. A log that does not exist yet is waited for; a log that is
 * truncated (the guest restarted) is read again from the start.
 */
export async function* followConsoleLog(path: string, opts: { signal: AbortSignal; pollMs?: number }): AsyncGenerator<Buffer> {
  const pollMs = opts.pollMs ?? 200;
  let offset = 0;
  const buf = Buffer.alloc(64 * 1024);
  while (!opts.signal.aborted) {
    const size = await stat(path).then((s) => s.size, (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return -1;
      throw err;
    });
    if (size >= 0 && size < offset) offset = 0;
    if (size > offset) {
      const handle = await open(path, 'r');
      try {
        let n: number;
        do {
          ({ bytesRead: n } = await handle.read(buf, 0, buf.length, offset));
          offset += n;
          if (n > 0) yield Buffer.from(buf.subarray(0, n));
        } while (n > 0 && !opts.signal.aborted);
      } finally {
        await handle.close();
      }
      continue;
    }
    await new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        opts.signal.removeEventListener('abort', onAbort);
        resolve();
      }, pollMs);
      opts.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
