import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { exoscaleApi } from './exoscale-api.js';
import { exoscaleIdentity } from './exoscale-identity.js';

/**
 * Exoscale. cloud-init's DataSourceExoscale runs only after the system's networking is up (no ephemeral
 * DHCP), reads the EC2-style tree under `/1.0/` and asks the password server on port 8080 of the
 * metadata address for the default user's password.
 */
export const exoscale: CloudFlavour = {
  name: 'exoscale',
  title: 'Exoscale',
  cloudInit: { dataSource: 'Exoscale', since: '19.1' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => exoscaleIdentity(instanceUuid),
  // The password server: 169.254.169.254:8080, DNATed to the metadata server like port 80.
  // metadata.exoscale.com is the name Exoscale's documentation reads the metadata under.
  network: { ...METADATA_ROUTE_NEEDS, metadataPorts: [8080], metadataNames: ['metadata.exoscale.com'] },
  guestNetwork: 'dhcp',
  userDataRequest: /^\/(1\.0|latest)\/user-data\/?(\?|$)/,
  localIpv4: { path: '/1.0/meta-data/local-ipv4', headers: {} },
  // Nova's guest-posted password (tempest's check); Exoscale's goes the other way (the guest is given one).
  passwordApi: false,
  metadata: [exoscaleApi],
};
