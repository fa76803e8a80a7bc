import { describe, expect, it } from 'vitest';
import { parseDnsmasqLeases } from '../../../src/adapters/network/linux/dnsmasq-leases.js';
import { validateNetworkConfig, validateNetworkHosts } from '../../../src/adapters/network/network-input.js';
import { sampleCloudNeeds, sampleConfig, sampleHosts } from './sample-network.js';

const code = (c: string) => expect.objectContaining({ code: c });

describe('network input validation', () => {
  it('accepts the sample cloud', () => {
    expect(() => validateNetworkConfig(sampleConfig)).not.toThrow();
    expect(() => validateNetworkHosts(sampleHosts, sampleConfig)).not.toThrow();
  });

  it('rejects values that would change the meaning of generated rules and files', () => {
    expect(() => validateNetworkConfig({ ...sampleConfig, cloudId: 'Demo_1' })).toThrow(code('MC_ERR_NETWORK_CLOUD_ID'));
    expect(() => validateNetworkConfig({ ...sampleConfig, bridge: 'a-very-long-bridge-name' })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, gateway: '10.251.0.1' })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, stateDir: 'relative/dir' })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, ...sampleCloudNeeds })).not.toThrow();
    expect(() => validateNetworkConfig({ ...sampleConfig, extraEndpoints: [{ address: '10.250.0.7', ports: [80] }] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, extraEndpoints: [{ address: '300.1.1.1', ports: [80] }] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, gatewayPorts: [0] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, gatewayNames: ['data server'] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    const profile = { cloud: 'azure', routes: ['168.63.129.16'], options: [{ code: 245, value: '168.63.129.16' }] };
    expect(() => validateNetworkConfig({ ...sampleConfig, dhcpProfiles: [{ ...profile, options: [{ code: 245, value: '1.2.3.4\nserver=8.8.8.8' }] }] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, dhcpProfiles: [{ ...profile, cloud: 'Azure,set:x' }] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, dhcpProfiles: [{ ...profile, routes: ['10.250.0.9'] }] })).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkConfig({ ...sampleConfig, dhcpProfiles: [profile, { ...profile, options: [] }] })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('two profiles') }),
    );
    const host = sampleHosts[0]!;
    expect(() => validateNetworkHosts([{ ...host, hostname: 'web\n1' }], sampleConfig)).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkHosts([{ ...host, cloud: 'ec2,10.250.0.99' }], sampleConfig)).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkHosts([{ ...host, mac: '52:54:00:00:00:0B' }], sampleConfig)).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkHosts([{ ...host, ip: '10.9.9.9' }], sampleConfig)).toThrow(code('MC_ERR_NETWORK_CONFIG'));
    expect(() => validateNetworkHosts([host, { ...sampleHosts[1]!, ip: host.ip }], sampleConfig)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('used twice') }),
    );
  });
});

describe('parseDnsmasqLeases', () => {
  it('reads IPv4 leases and skips the rest', () => {
    const text = '1700000600 52:54:00:00:00:0a 10.250.0.10 web-1 01:52:54:00:00:00:0a\n0 52:54:00:00:00:0b 10.250.0.11 * *\nduid 00:01\n\n';
    expect(parseDnsmasqLeases(text)).toEqual([
      { mac: '52:54:00:00:00:0a', ip: '10.250.0.10', hostname: 'web-1', expiresAt: 1_700_000_600_000 },
      { mac: '52:54:00:00:00:0b', ip: '10.250.0.11', hostname: null, expiresAt: Number.MAX_SAFE_INTEGER },
    ]);
  });
});
