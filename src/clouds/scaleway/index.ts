import { NO_NETWORK_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { scalewayApi } from './scaleway-api.js';

/** Scaleway's metadata addresses (cloud-init 25.3 DS_BASE_URLS; Scaleway's documentation). */
const SCALEWAY_METADATA_V4 = '169.254.42.42';
const SCALEWAY_METADATA_V6 = 'fd00:42::42';

/**
 * Scaleway. ds-identify's dscheck_Scaleway and the datasource (22.4.2 `on_scaleway`, 25.3 `ds_detect`)
 * take the DMI system manufacturer `Scaleway`; the uuid is the instance uuid, which is also the metadata
 * `id` (Scaleway's server ids are uuids). `DataSourceScaleway` runs in init-local behind its own
 * ephemeral DHCP and talks to 169.254.42.42 (25.3 also to [fd00:42::42]): the network plane DNATs both to
 * the metadata server, keeping the guest's source port, which the user-data rule needs.
 */
export const scaleway: CloudFlavour = {
  name: 'scaleway',
  title: 'Scaleway',
  cloudInit: { dataSource: 'Scaleway', since: '17.1' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => ({ system: { manufacturer: 'Scaleway', uuid: instanceUuid.toLowerCase() } }),
  guestNetwork: 'dhcp',
  // No dhcpRoutes: Scaleway's DHCP sends no option 121; the guest reaches 169.254.42.42 by its default route.
  network: { ...NO_NETWORK_NEEDS, extraEndpoints: [{ address: SCALEWAY_METADATA_V4, ports: [80] }], endpoints6: [{ address: SCALEWAY_METADATA_V6, ports: [80] }] },
  userDataRequest: /^\/user_data\/cloud-init\/?(\?|$)/,
  // Scaleway's conf carries the address only inside JSON; no path answers it as plain text.
  localIpv4: null,
  passwordApi: false,
  metadata: [scalewayApi],
};
