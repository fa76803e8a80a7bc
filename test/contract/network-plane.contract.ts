import { expect, it } from 'vitest';
import type { NetworkConfig, NetworkHost, NetworkPlane } from '../../src/ports/network.js';

export interface NetworkPlaneHarness {
  plane: NetworkPlane & { attachTap?(tap: string): Promise<void> };
  /** A config whose stateDir is private to this test. */
  config: NetworkConfig;
}

/**
 * The behaviour every NetworkPlane must share (fake and Linux). Register inside a describe; `setup` runs
 * before each test and `cleanup` after it.
 */
export function networkPlaneContract(setup: () => Promise<NetworkPlaneHarness>, cleanup: (h: NetworkPlaneHarness) => Promise<void>): void {
  const hosts = (config: NetworkConfig): NetworkHost[] => {
    const base = config.subnet.replace(/\.0\/24$/, '');
    return [
      { instanceId: 'i-00000000000000001', mac: '52:54:00:cc:00:01', ip: `${base}.10`, hostname: 'one', tapName: 'mcc-1', cloud: 'ec2' },
      { instanceId: 'i-00000000000000002', mac: '52:54:00:cc:00:02', ip: `${base}.11`, hostname: 'two', tapName: null, cloud: 'scaleway' },
      { instanceId: 'i-00000000000000003', mac: '52:54:00:cc:00:03', ip: `${base}.12`, hostname: 'three', tapName: null, guestNetwork: 'link-local' },
    ];
  };
  const withHarness = (body: (h: NetworkPlaneHarness) => Promise<void>) => async () => {
    const h = await setup();
    try {
      await body(h);
    } finally {
      await cleanup(h);
    }
  };
  const code = (c: string) => expect.objectContaining({ code: c });

  it('observes nothing before ensureUp, everything after', withHarness(async ({ plane, config }) => {
    expect(await plane.observe()).toEqual({ bridgeUp: false, metadataRedirect: false, dhcpRunning: false, dhcpPid: null, leases: [] });
    await plane.ensureUp(config);
    expect(await plane.observe()).toMatchObject({ bridgeUp: true, metadataRedirect: true, dhcpRunning: true, leases: [] });
  }));

  it('ensureUp and setHosts are idempotent', withHarness(async ({ plane, config }) => {
    await plane.ensureUp(config);
    await plane.ensureUp(config);
    await plane.setHosts(hosts(config));
    await plane.setHosts(hosts(config));
    const seen = await plane.observe();
    expect(seen).toMatchObject({ bridgeUp: true, metadataRedirect: true, dhcpRunning: true });
    expect(seen.dhcpPid).not.toBeNull();
  }));

  it('setHosts and attachTap refuse to run before ensureUp', withHarness(async ({ plane, config }) => {
    await expect(plane.setHosts(hosts(config))).rejects.toThrow(code('MC_ERR_NETWORK_NOT_UP'));
    if (plane.attachTap) await expect(plane.attachTap('mcc-1')).rejects.toThrow(code('MC_ERR_NETWORK_NOT_UP'));
  }));

  it('rejects malformed input with coded errors and changes nothing', withHarness(async ({ plane, config }) => {
    await expect(plane.ensureUp({ ...config, cloudId: 'Not Valid' })).rejects.toThrow(code('MC_ERR_NETWORK_CLOUD_ID'));
    await expect(plane.ensureUp({ ...config, gateway: '192.0.2.1' })).rejects.toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect((await plane.observe()).bridgeUp).toBe(false);
    await plane.ensureUp(config);
    const [first] = hosts(config);
    await expect(plane.setHosts([{ ...first!, hostname: 'bad name' }])).rejects.toThrow(code('MC_ERR_NETWORK_CONFIG'));
    // The cloud lands in dnsmasq's hosts file as a tag: nothing that could add a field.
    await expect(plane.setHosts([{ ...first!, cloud: 'ec2,10.0.0.9' }])).rejects.toThrow(code('MC_ERR_NETWORK_CONFIG'));
    await expect(plane.ensureUp({ ...config, dhcpProfiles: [{ cloud: 'ec2', routes: ['169.254.169.254'], options: [{ code: 245, value: '1.2.3.4\nserver=8.8.8.8' }] }] })).rejects.toThrow(code('MC_ERR_NETWORK_CONFIG'));
  }));

  it('attachTap explains a tap that does not exist', withHarness(async ({ plane, config }) => {
    await plane.ensureUp(config);
    if (plane.attachTap) await expect(plane.attachTap('mcc-nope')).rejects.toThrow(code('MC_ERR_NETWORK_TAP_MISSING'));
  }));

  it('teardown removes everything and succeeds again when nothing is there', withHarness(async ({ plane, config }) => {
    await plane.teardown();
    await plane.ensureUp(config);
    await plane.setHosts(hosts(config));
    await plane.teardown();
    expect(await plane.observe()).toEqual({ bridgeUp: false, metadataRedirect: false, dhcpRunning: false, dhcpPid: null, leases: [] });
    await plane.teardown();
  }));
}
