import { createServer } from 'node:net';
import { errors } from '../../../errors/catalogue.js';

/**
 * Throws MC_ERR_NETWORK_PORT_IN_USE if `address:port` cannot be bound (another program holds it, on that
 * address or on 0.0.0.0). For the controller to call after ensureUp (the gateway address exists only then)
 * and before it starts the metadata server there. Not part of ensureUp, which runs while our own server
 * holds the port.
 */
export function assertPortFree(address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(errors.networkPortInUse(address, port).causedBy(err));
      else reject(errors.networkConfigInvalid('metadataPort', `cannot bind ${address}:${port}: ${err.message}`).causedBy(err));
    });
    probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
