import { METADATA_ROUTE_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { vultrApi } from './vultr-api.js';

/**
 * Vultr. ds-identify's dscheck_Vultr and cloud-init's is_vultr() read the DMI system manufacturer
 * (`Vultr`). The serial is the instance uuid, as is the system uuid: cloud-init's check_instance_id
 * compares the two (equal on Vultr's VMs; it tells them from bare metal) and the metadata's
 * `instance-v2-id` is that uuid. cloud-init 22.4.2 also needs its DHCP lease to install a route whose
 * destination is 169.254.169.254 (option 121): its dhcpRoutes ask the plane for it.
 */
export const vultr: CloudFlavour = {
  name: 'vultr',
  title: 'Vultr',
  cloudInit: { dataSource: 'Vultr', since: '21.2' },
  delivery: 'metadata-service',
  guestUuid: (instanceUuid) => instanceUuid.toLowerCase(),
  identity: ({ instanceUuid }) => {
    const uuid = instanceUuid.toLowerCase();
    return { system: { manufacturer: 'Vultr', product: 'VC2', serial: uuid, uuid } };
  },
  // 22.4.2 skips a NIC whose lease installs no route to 169.254.169.254 (check_route).
  network: METADATA_ROUTE_NEEDS,
  guestNetwork: 'dhcp',
  userDataRequest: /^\/(v1\.json|latest\/user-data)\/?(\?|$)/,
  localIpv4: { path: '/v1/interfaces/0/ipv4/address', headers: {} },
  passwordApi: false,
  metadata: [vultrApi],
};
