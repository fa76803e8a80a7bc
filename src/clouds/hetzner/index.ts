import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { hetznerApi } from './hetzner-api.js';
import { hetznerIdentity } from './hetzner-identity.js';

/**
 * Hetzner Cloud. ds-identify and DataSourceHetzner (both versions) need sys_vendor `Hetzner` exactly,
 * and the datasource raises unless the SMBIOS serial equals the metadata `instance-id` (both are
 * hetznerServerId of the instance id). The datasource runs in init-local only, behind its own ephemeral
 * DHCP, which minicloud's dnsmasq answers.
 */
export const hetzner: CloudFlavour = {
  name: 'hetzner',
  title: 'Hetzner Cloud',
  cloudInit: { dataSource: 'Hetzner', since: '18.2' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: hetznerIdentity,
  // cloud-init 25.x tries http://[fe80::a9fe:a9fe%<nic>]/hetzner/v1/ first (2 s each when nothing answers).
  network: { ...METADATA_ROUTE_NEEDS, endpoints6: [{ address: 'fe80::a9fe:a9fe', ports: [80] }] },
  guestNetwork: 'dhcp',
  // Hetzner documents no private-IPv4 key for a server's own NIC: `public-ipv4` is the address DHCP
  // gives eth0 (no NAT), which is what the guest's address is here (`local-ipv4` is empty, as there).
  userDataRequest: /^\/hetzner\/v1\/userdata\/?(\?|$)/,
  localIpv4: { path: '/hetzner/v1/metadata/public-ipv4', headers: {} },
  passwordApi: false,
  metadata: [hetznerApi],
};
