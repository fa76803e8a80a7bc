import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { oracleApi } from './oracle-api.js';

/**
 * Oracle Cloud Infrastructure. ds-identify's dscheck_Oracle and the datasource's _is_platform_viable both
 * read one DMI field: the chassis asset tag `OracleCloud.com` (SMBIOS type 3). Everything else is a plain
 * KVM guest's; the system uuid is the instance uuid (cloud-init's check_instance_id compares it across
 * boots: "differs from the instance-id but has the same life-span"). The chassis manufacturer is QEMU's
 * default, given explicitly: the libvirt driver leaves it empty when a `<chassis>` names no manufacturer
 * (measured in a booted guest: chassis_vendor was ""), the qemu driver keeps QEMU's.
 */
export const oracle: CloudFlavour = {
  name: 'oracle',
  title: 'Oracle Cloud Infrastructure',
  cloudInit: { dataSource: 'Oracle', since: '18.4' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => ({ system: { uuid: instanceUuid.toLowerCase() }, chassis: { manufacturer: 'QEMU', asset: 'OracleCloud.com' } }),
  // cloud-init 25.x tries http://[fd00:c1::a9fe:a9fe]/opc/v… before 169.254.169.254 (more-clouds.md, Oracle).
  network: { ...METADATA_ROUTE_NEEDS, endpoints6: [{ address: 'fd00:c1::a9fe:a9fe', ports: [80] }] },
  guestNetwork: 'dhcp',
  // OCI serves any path inside its documents; the primary VNIC's private IP is the first one's `privateIp`.
  userDataRequest: /^\/opc\/v[12]\/instance\/?(\?|$)/,
  localIpv4: { path: '/opc/v2/vnics/0/privateIp', headers: { Authorization: 'Bearer Oracle' } },
  passwordApi: false,
  metadata: [oracleApi],
};
