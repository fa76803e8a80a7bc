import { createServer, type Server } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Makes a listening metadata app accept connections on one more address (the bridge's IPv6 gateway, where
 * ip6tables DNATs the clouds' IPv6 metadata addresses: DNAT cannot cross address families, so the IPv4
 * listener cannot take them). A fastify instance listens on one address; this second listener hands each
 * accepted socket to the app's own HTTP server, so every request runs the same hooks (source lookup,
 * faults, request log), timeouts and client-error handling as on the first address, and the socket's
 * remoteAddress is the guest's IPv6 source. The listener closes with the app (its server's 'close'),
 * or earlier through the returned function. Rejects with the listen error (EADDRINUSE, EADDRNOTAVAIL…).
 */
export async function listenAlso(app: FastifyInstance, at: { host: string; port: number }): Promise<() => Promise<void>> {
  const extra: Server = createServer((socket) => app.server.emit('connection', socket));
  await new Promise<void>((resolve, reject) => {
    extra.once('error', reject);
    extra.listen({ host: at.host, port: at.port, exclusive: true }, () => {
      extra.off('error', reject);
      resolve();
    });
  });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (!extra.listening) return resolve();
      // The accepted sockets belong to the app's server now: it closes them; this only stops accepting.
      extra.close(() => resolve());
    });
  app.server.once('close', () => void close());
  return close;
}
