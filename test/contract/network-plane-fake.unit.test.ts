import { describe } from 'vitest';
import { FakeNetworkPlane } from '../../src/adapters/network/fake-network-plane.js';
import { networkPlaneContract } from './network-plane.contract.js';

describe('NetworkPlane contract: fake', () => {
  networkPlaneContract(
    async () => ({
      plane: new FakeNetworkPlane(),
      config: {
        cloudId: 'contract',
        bridge: 'minicloud0',
        subnet: '10.250.0.0/24',
        gateway: '10.250.0.1',
        metadataPort: 8775,
        egress: false,
        domain: 'contract.internal',
        stateDir: '/nonexistent/contract',
      },
    }),
    async ({ plane }) => plane.teardown(),
  );
});
