import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { gceApi } from './gce-api.js';
import { gceIdentity } from './gce-identity.js';

/**
 * Google Compute Engine. ds-identify and cloud-init's DataSourceGCE recognise the guest by its DMI
 * product `Google Compute Engine`; cloud-init then reads `http://metadata.google.internal/computeMetadata/v1/`
 * (the name must resolve: the cloud's dnsmasq answers it with 169.254.169.254) with `Metadata-Flavor: Google`.
 */
export const gce: CloudFlavour = {
  name: 'gce',
  title: 'Google Compute Engine',
  cloudInit: { dataSource: 'GCE', since: '0.7' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => gceIdentity(instanceUuid),
  network: { ...METADATA_ROUTE_NEEDS, metadataNames: ['metadata.google.internal'] },
  guestNetwork: 'dhcp',
  userDataRequest: /^\/computeMetadata\/v1\/instance\/attributes\/(user-data)?(\?|$)/,
  localIpv4: { path: '/computeMetadata/v1/instance/network-interfaces/0/ip', headers: { 'Metadata-Flavor': 'Google' } },
  passwordApi: false,
  metadata: [gceApi],
};
