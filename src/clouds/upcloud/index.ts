import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { upcloudApi } from './upcloud-api.js';
import { upcloudIdentity, upcloudServerUuid } from './upcloud-identity.js';

/**
 * UpCloud. ds-identify and the datasource (both versions) need sys_vendor `UpCloud` exactly; the SMBIOS
 * uuid is the server uuid the metadata serves as `instance_id`. `DataSourceUpCloudLocal` reads
 * `/metadata/v1.json` in init-local behind its own ephemeral DHCP (minicloud's dnsmasq answers), and
 * applies the network config it finds there, whose MAC must be the guest's.
 */
export const upcloud: CloudFlavour = {
  name: 'upcloud',
  title: 'UpCloud',
  cloudInit: { dataSource: 'UpCloud', since: '21.1' },
  delivery: 'metadata-service',
  guestUuid: upcloudServerUuid,
  identity: upcloudIdentity,
  network: METADATA_ROUTE_NEEDS,
  guestNetwork: 'dhcp',
  // The address of the first interface, as UpCloud's traversable API serves it (Talos and user scripts
  // read this path; UpCloud's one NIC here is that interface).
  userDataRequest: /^\/metadata\/v1(\.json|\/user_data)\/?(\?|$)/,
  localIpv4: { path: '/metadata/v1/network/interfaces/1/ip_addresses/1/address', headers: {} },
  passwordApi: false,
  metadata: [upcloudApi],
};
