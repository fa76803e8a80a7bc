import { NO_NETWORK_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { digitalOceanApi } from './digitalocean-api.js';
import { digitalOceanIdentity } from './digitalocean-identity.js';

/**
 * DigitalOcean. ds-identify and DataSourceDigitalOcean (both versions) need sys_vendor `DigitalOcean`
 * exactly and the droplet id as the SMBIOS serial. The datasource runs in init-local only and takes no
 * DHCP lease: it puts a random 169.254.x.y/16 on the lowest-ifindex NIC, reads `/metadata/v1.json` on-link
 * from 169.254.169.254, removes the address and writes the static network config the document gives
 * (the guest's MAC and reserved address). 25.x logs it as deprecated (since 23.2) in favour of ConfigDrive.
 */
export const digitalocean: CloudFlavour = {
  name: 'digitalocean',
  title: 'DigitalOcean',
  cloudInit: { dataSource: 'DigitalOcean', since: '0.7.7' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: digitalOceanIdentity,
  network: NO_NETWORK_NEEDS,
  // No lease: the plane answers ARP for 169.254.169.254 on the bridge and admits this guest's MAC from 169.254/16.
  guestNetwork: 'link-local',
  userDataRequest: /^\/metadata\/v1(\.json|\/user-data)\/?(\?|$)/,
  localIpv4: { path: '/metadata/v1/interfaces/public/0/ipv4/address', headers: {} },
  passwordApi: false,
  metadata: [digitalOceanApi],
};
