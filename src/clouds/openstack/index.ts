import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { ec2Api } from '../ec2/ec2-api.js';
import { novaIdentity } from './nova-identity.js';
import { openstackApi } from './openstack-api.js';

/** OpenStack Nova: the OpenStack metadata API, and the EC2-compatible tree Nova serves beside it. */
export const openstack: CloudFlavour = {
  name: 'openstack',
  title: 'OpenStack (Nova)',
  cloudInit: { dataSource: 'OpenStack', since: '0.7' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => novaIdentity(instanceUuid),
  network: METADATA_ROUTE_NEEDS,
  guestNetwork: 'dhcp',
  userDataRequest: /\/user[-_]data\/?(\?|$)/,
  localIpv4: { path: '/latest/meta-data/local-ipv4', headers: {} },
  passwordApi: true,
  metadata: [ec2Api, openstackApi],
};
