import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { akamaiApi } from './akamai-api.js';
import { linodeId } from './akamai-documents.js';

/**
 * Akamai (Linode). Its datasource exists from cloud-init 23.3 (Debian 12's 22.4.2 has none). ds-identify's
 * dscheck_Akamai and the datasource's `is_on_akamai` take the DMI system manufacturer `Linode` or
 * `Akamai`; the serial is the Linode id, cloud-init's instance-id before it reaches the metadata service
 * and what `check_instance_id` compares it with. The baseboard serial (behaviour flags such as `v6=0`)
 * is left unset: every flag keeps its default, as on Akamai. `DataSourceAkamaiLocal` tries the IPv6
 * endpoint first (ephemeral IPv6), then DHCPv4 to 169.254.169.254.
 */
export const akamai: CloudFlavour = {
  name: 'akamai',
  title: 'Akamai (Linode)',
  cloudInit: { dataSource: 'Akamai', since: '23.3' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceId, instanceUuid }) => ({ system: { manufacturer: 'Akamai', serial: String(linodeId(instanceId)), uuid: instanceUuid.toLowerCase() } }),
  guestNetwork: 'dhcp',
  network: { ...METADATA_ROUTE_NEEDS, endpoints6: [{ address: 'fd00:a9fe:a9fe::1', ports: [80] }] },
  userDataRequest: /^\/v1\/user-data\/?(\?|$)/,
  // Every endpoint needs a token from a PUT first; smoke's local-ipv4 check is one plain GET.
  localIpv4: null,
  passwordApi: false,
  metadata: [akamaiApi],
};
