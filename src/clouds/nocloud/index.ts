import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { nocloudApi } from './nocloud-api.js';

/**
 * NoCloud over HTTP: plain QEMU DMI plus the seed URL in the SMBIOS serial
 * (`ds=nocloud-net;s=<metadata url>/nocloud/<id>/`, with the trailing slash 22.4 needs).
 */
export const nocloud: CloudFlavour = {
  name: 'nocloud',
  title: 'NoCloud (seed URL)',
  cloudInit: { dataSource: 'NoCloud', since: '0.7' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceId, instanceUuid }) => ({
    system: { serial: `ds=nocloud-net;s=http://169.254.169.254/nocloud/${instanceId}/`, uuid: instanceUuid.toLowerCase() },
  }),
  network: METADATA_ROUTE_NEEDS,
  guestNetwork: 'dhcp',
  userDataRequest: /^\/nocloud\/[^/]+\/user-data\/?(\?|$)/,
  localIpv4: null,
  passwordApi: false,
  metadata: [nocloudApi],
};
