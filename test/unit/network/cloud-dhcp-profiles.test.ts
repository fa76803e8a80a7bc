import { describe, expect, it } from 'vitest';
import { dhcpExtrasOf } from '../../../src/adapters/network/dhcp-profiles.js';
import { buildDnsmasqConfig } from '../../../src/adapters/network/linux/dnsmasq-config.js';
import { validateNetworkConfig } from '../../../src/adapters/network/network-input.js';
import { METADATA_ROUTE } from '../../../src/clouds/cloud-flavour.js';
import { CLOUD_DHCP_PROFILES, CLOUDS, cloudNamed } from '../../../src/clouds/registry.js';
import { sampleConfig } from './sample-network.js';

// Registry-driven: every cloud's DHCP comes from its flavour, and a guest's lease carries its own cloud's only.
describe("each cloud's DHCP, from its flavour", () => {
  const config = { ...sampleConfig, dhcpProfiles: CLOUD_DHCP_PROFILES };
  const leaseOf = (cloud: string) => dhcpExtrasOf(config, { instanceId: 'i-1', mac: '52:54:00:00:00:01', ip: '10.250.0.10', hostname: 'one', tapName: null, cloud });

  it('is a valid plane config, one profile per cloud', () => {
    expect(() => validateNetworkConfig(config)).not.toThrow();
    expect(CLOUD_DHCP_PROFILES.map((p) => p.cloud)).toEqual(CLOUDS.map((c) => c.name));
  });

  it('routes only what the cloud itself serves: 169.254.169.254 or one of its own extra endpoints', () => {
    for (const cloud of CLOUDS) {
      const own = new Set([METADATA_ROUTE, ...cloud.network.extraEndpoints.map((e) => e.address)]);
      for (const route of cloud.network.dhcpRoutes) expect(own.has(route), `${cloud.name} routes ${route}`).toBe(true);
    }
  });

  it('Scaleway: no option 121 and no forced option (its 22.4.2 re-adds a second lease\'s routes and fails)', () => {
    expect(leaseOf('scaleway')).toEqual({ routes: [], options: [] });
  });

  it("Azure: option 245 and routes to the wireserver and 169.254.169.254; EC2 and Vultr: the metadata route only", () => {
    const gw = sampleConfig.gateway;
    expect(leaseOf('azure')).toEqual({
      routes: [['169.254.169.254/32', gw], ['168.63.129.16/32', gw], ['0.0.0.0/0', gw]],
      options: [{ code: 245, value: '168.63.129.16' }],
    });
    for (const cloud of ['ec2', 'vultr']) expect(leaseOf(cloud)).toEqual({ routes: [['169.254.169.254/32', gw], ['0.0.0.0/0', gw]], options: [] });
  });

  it('no DHCP line of dnsmasq.conf reaches a guest untagged beyond router and DNS', () => {
    const lines = buildDnsmasqConfig(config).split('\n').filter((l) => l.startsWith('dhcp-option'));
    expect(lines.filter((l) => !/^dhcp-option(-force)?=tag:mc-[a-z0-9-]+,/.test(l))).toEqual([
      `dhcp-option=option:router,${sampleConfig.gateway}`,
      `dhcp-option=option:dns-server,${sampleConfig.gateway}`,
    ]);
    expect(lines.filter((l) => l.includes('tag:mc-scaleway,'))).toEqual([]);
    expect(cloudNamed('scaleway').network.extraEndpoints.map((e) => e.address)).toEqual(['169.254.42.42']);
  });
});
