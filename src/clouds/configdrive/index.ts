import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { ec2Api } from '../ec2/ec2-api.js';
import { novaIdentity } from '../openstack/nova-identity.js';
import { openstackApi } from '../openstack/openstack-api.js';

/**
 * OpenStack with a config drive: Nova's DMI plus a `config-2` ISO holding the OpenStack tree, which
 * ds-identify puts ahead of everything else. The metadata service answers too, as in Nova.
 */
export const configdrive: CloudFlavour = {
  name: 'configdrive',
  title: 'OpenStack config drive',
  cloudInit: { dataSource: 'ConfigDrive', since: '0.7' },
  delivery: 'config-drive',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => novaIdentity(instanceUuid),
  network: METADATA_ROUTE_NEEDS,
  guestNetwork: 'dhcp',
  userDataRequest: /\/user[-_]data\/?(\?|$)/,
  localIpv4: { path: '/latest/meta-data/local-ipv4', headers: {} },
  passwordApi: true,
  metadata: [ec2Api, openstackApi],
};
