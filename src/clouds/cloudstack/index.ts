import { NO_NETWORK_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { cloudStackApi } from './cloudstack-api.js';
import { cloudStackIdentity } from './cloudstack-identity.js';

/**
 * Apache CloudStack. Its metadata lives on the virtual router, which is the guest's DHCP server, not on
 * 169.254.169.254. cloud-init's DataSourceCloudStack finds the router as the address of the DNS name
 * `data-server`, else the server address of a systemd-networkd lease, else `dhcp-server-identifier` of
 * the newest dhclient lease, else (25.x) its ephemeral lease's, else the default gateway: on minicloud
 * every one of them is the bridge's own address (dnsmasq's listen address, which it sends as option 54,
 * and the router it hands out). 22.4.2 runs in init-network only; 25.x also has
 * DataSourceCloudStackLocal behind an ephemeral DHCP.
 */
export const cloudstack: CloudFlavour = {
  name: 'cloudstack',
  title: 'Apache CloudStack',
  cloudInit: { dataSource: 'CloudStack', since: '0.7' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => cloudStackIdentity(instanceUuid),
  // The router's metadata (80) and password server (8080) on the bridge's own address, and `data-server`
  // resolving to it, as CloudStack's router's dnsmasq answers.
  network: { ...NO_NETWORK_NEEDS, gatewayPorts: [80, 8080], gatewayNames: ['data-server'] },
  guestNetwork: 'dhcp',
  userDataRequest: /^\/latest\/user-data\/?(\?|$)/,
  // Asked at 169.254.169.254 (smoke's base), which reaches the same server and answers by the guest's cloud.
  localIpv4: { path: '/latest/meta-data/local-ipv4', headers: {} },
  // Nova's guest-posted password (tempest's check); CloudStack's goes the other way (the guest is given one).
  passwordApi: false,
  metadata: [cloudStackApi],
};
