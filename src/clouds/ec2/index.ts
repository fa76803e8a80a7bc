import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { ec2ImdsApi } from './ec2-api.js';

/**
 * Amazon EC2. cloud-init (22.4: uuid and serial both start with `ec2`; 24.2+: the uuid alone) and
 * ds-identify take a guest whose SMBIOS uuid begins with `ec2` for AWS, which also makes cloud-init ask
 * for an IMDSv2 token first.
 */
export const ec2: CloudFlavour = {
  name: 'ec2',
  title: 'Amazon EC2',
  cloudInit: { dataSource: 'Ec2', since: '0.7' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => `ec2${instanceUuid.toLowerCase().slice(3)}`,
  identity: ({ instanceUuid }) => {
    const uuid = ec2.guestUuid(instanceUuid);
    return { system: { manufacturer: 'Amazon EC2', product: 'minicloud', serial: uuid, uuid } };
  },
  // The IPv6 IMDS endpoint (opt-in on Nitro instances there; always answered here).
  network: { ...METADATA_ROUTE_NEEDS, endpoints6: [{ address: 'fd00:ec2::254', ports: [80] }] },
  guestNetwork: 'dhcp',
  userDataRequest: /\/user-data\/?(\?|$)/,
  localIpv4: { path: '/latest/meta-data/local-ipv4', headers: {} },
  passwordApi: false,
  metadata: [ec2ImdsApi],
};
