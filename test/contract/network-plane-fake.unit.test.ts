import { describe, expect, it } from 'vitest';
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

describe('fake network plane: DHCP', () => {
  it('leases a reserved MAC its address, and nothing to an unknown or link-local (DigitalOcean) one', async () => {
    const plane = new FakeNetworkPlane();
    await plane.ensureUp({ cloudId: 'fake', bridge: 'minicloud0', subnet: '10.250.0.0/24', gateway: '10.250.0.1', metadataPort: 8775, egress: false, domain: 'fake.internal', stateDir: '/nonexistent/fake' });
    await plane.setHosts([
      { instanceId: 'i-1', mac: '52:54:00:cc:00:01', ip: '10.250.0.10', hostname: 'one', tapName: null },
      { instanceId: 'i-2', mac: '52:54:00:cc:00:02', ip: '10.250.0.11', hostname: 'two', tapName: null, guestNetwork: 'link-local' },
    ]);
    expect(plane.grantLease('52:54:00:cc:00:01', 1)).toBe(true);
    expect(plane.grantLease('52:54:00:cc:00:02', 1)).toBe(false);
    expect(plane.grantLease('52:54:00:cc:00:09', 1)).toBe(false);
    expect((await plane.observe()).leases.map((l) => l.ip)).toEqual(['10.250.0.10']);
  });
});
