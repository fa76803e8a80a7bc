import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';

/** The cloud the golden files in fixtures/network/ are generated from. */
export const sampleConfig: NetworkConfig = {
  cloudId: 'demo',
  bridge: 'minicloud0',
  subnet: '10.250.0.0/24',
  gateway: '10.250.0.1',
  metadataPort: 8775,
  egress: false,
  domain: 'minicloud.internal',
  stateDir: '/var/lib/minicloud/clouds/demo/network',
};

/** Guests of three clouds, whose DHCP differs (sampleCloudNeeds.dhcpProfiles). */
export const sampleHosts: NetworkHost[] = [
  { instanceId: 'i-0000000000000000b', mac: '52:54:00:00:00:0b', ip: '10.250.0.11', hostname: 'web-2', tapName: 'mc-demo-t2', cloud: 'azure' },
  { instanceId: 'i-0000000000000000a', mac: '52:54:00:00:00:0a', ip: '10.250.0.10', hostname: 'web-1', tapName: 'mc-demo-t1', cloud: 'ec2' },
  { instanceId: 'i-0000000000000000c', mac: '52:54:00:00:00:0c', ip: '10.250.0.12', hostname: 'db-1', tapName: null, cloud: 'scaleway' },
];

/**
 * What issue 15's clouds ask of the plane: the bridge's union (as CLOUD_NETWORK_NEEDS carries it) and
 * per-cloud DHCP as CLOUD_DHCP_PROFILES gives it (EC2: the metadata route; Azure: that, the wireserver's
 * and option 245; Scaleway: nothing), for the needs goldens.
 */
export const sampleCloudNeeds: Pick<NetworkConfig, 'extraEndpoints' | 'gatewayPorts' | 'gatewayNames' | 'dhcpProfiles'> = {
  extraEndpoints: [
    { address: '168.63.129.16', ports: [80] },
    { address: '169.254.42.42', ports: [80] },
  ],
  gatewayPorts: [80, 8080],
  gatewayNames: ['data-server'],
  dhcpProfiles: [
    { cloud: 'ec2', routes: ['169.254.169.254'], options: [] },
    { cloud: 'azure', routes: ['169.254.169.254', '168.63.129.16'], options: [{ code: 245, value: '168.63.129.16' }] },
    { cloud: 'scaleway', routes: [], options: [] },
  ],
};

/** A DigitalOcean guest: no lease, a link-local phase on its tap, SNATed to its own address. */
export const sampleLinkLocalHost: NetworkHost = {
  instanceId: 'i-0000000000000000d',
  mac: '52:54:00:00:00:0d',
  ip: '10.250.0.13',
  hostname: 'droplet-1',
  tapName: 'mc-demo-t4',
  guestNetwork: 'link-local',
};
