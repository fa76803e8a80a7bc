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

  it("a lease carries its own cloud's routes and options only, as the Linux plane's tags select them", async () => {
    const plane = new FakeNetworkPlane();
    await plane.ensureUp({
      cloudId: 'fake', bridge: 'minicloud0', subnet: '10.250.0.0/24', gateway: '10.250.0.1', metadataPort: 8775, egress: false, domain: 'fake.internal', stateDir: '/nonexistent/fake',
      dhcpProfiles: [
        { cloud: 'azure', routes: ['169.254.169.254', '168.63.129.16'], options: [{ code: 245, value: '168.63.129.16' }] },
        { cloud: 'scaleway', routes: [], options: [] },
      ],
    });
    await plane.setHosts([
      { instanceId: 'i-1', mac: '52:54:00:cc:00:01', ip: '10.250.0.10', hostname: 'one', tapName: null, cloud: 'azure' },
      { instanceId: 'i-2', mac: '52:54:00:cc:00:02', ip: '10.250.0.11', hostname: 'two', tapName: null, cloud: 'scaleway' },
      { instanceId: 'i-3', mac: '52:54:00:cc:00:03', ip: '10.250.0.12', hostname: 'three', tapName: null },
    ]);
    expect(plane.dhcpExtras('52:54:00:cc:00:01')).toEqual({
      routes: [['169.254.169.254/32', '10.250.0.1'], ['168.63.129.16/32', '10.250.0.1'], ['0.0.0.0/0', '10.250.0.1']],
      options: [{ code: 245, value: '168.63.129.16' }],
    });
    expect(plane.dhcpExtras('52:54:00:cc:00:02')).toEqual({ routes: [], options: [] });
    expect(plane.dhcpExtras('52:54:00:cc:00:03')).toEqual({ routes: [], options: [] });
    expect(plane.dhcpExtras('52:54:00:cc:00:09')).toBeNull();
  });
});
