import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortFree } from '../../../src/adapters/network/linux/port-check.js';

describe('assertPortFree', () => {
  it('passes for a free port and explains a taken one', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen({ host: '127.0.0.1', port: 0 }, () => r()));
    const { port } = holder.address() as AddressInfo;
    try {
      await expect(assertPortFree('127.0.0.1', port)).rejects.toThrow(expect.objectContaining({ code: 'MC_ERR_NETWORK_PORT_IN_USE' }));
    } finally {
      await new Promise((r) => holder.close(r));
    }
    await expect(assertPortFree('127.0.0.1', port)).resolves.toBeUndefined();
  });
});
