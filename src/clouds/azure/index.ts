import { METADATA_ROUTE, NO_NETWORK_NEEDS, type CloudFlavour } from '../cloud-flavour.js';
import { azureGuestUuid, azureIdentity } from './azure-identity.js';
import { azureImdsApi } from './imds-api.js';
import { azureOvfEnv, OVF_ENV_FILE, OVF_MEDIA_LABEL } from './ovf-env.js';
import { wireserverApi } from './wireserver-api.js';

/** Azure's wireserver address: fixed on Azure, and what DHCP option 245 carries. */
export const WIRESERVER_ADDRESS = '168.63.129.16';

/**
 * Microsoft Azure. ds-identify and DataSourceAzure (both versions) take the guest for Azure by its
 * chassis asset tag. The datasource runs in init-local behind its own ephemeral DHCP: it reads IMDS
 * (`/metadata/instance?api-version=2021-08-01&extended=true`: user, hostname, keys, user-data, network),
 * then reports the VM ready to the wireserver (goal state, then the health POST), whose address is DHCP
 * option 245. No provisioning ISO is needed: without `/dev/sr0` both versions provision from IMDS. An
 * instance with meta `provisioningMedia=true` gets Azure's provisioning CD (`ovf-env.xml`), which both read
 * first (user name, keys, hostname, custom data = the user-data), before IMDS.
 */
export const azure: CloudFlavour = {
  name: 'azure',
  title: 'Microsoft Azure',
  cloudInit: { dataSource: 'Azure', since: '0.7' },
  delivery: 'metadata-service',
  guestUuid: azureGuestUuid,
  identity: ({ instanceUuid }) => azureIdentity(instanceUuid),
  // The wireserver: its own address, DNATed to the metadata server, named by DHCP option 245 (dnsmasq
  // writes a dotted quad as its 4 bytes); option 121 routes to it and to 169.254.169.254, as Azure's DHCP
  // does (25.x looks at the ephemeral lease's routes).
  guestNetwork: 'dhcp',
  network: { ...NO_NETWORK_NEEDS, extraEndpoints: [{ address: WIRESERVER_ADDRESS, ports: [80] }], dhcpRoutes: [METADATA_ROUTE, WIRESERVER_ADDRESS], dhcpOptions: [{ code: 245, value: WIRESERVER_ADDRESS }] },
  // The whole instance document carries the user-data (compute.userData, base64).
  userDataRequest: /^\/metadata\/instance(\/compute(\/userData)?)?\/?\?/,
  localIpv4: { path: '/metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress?api-version=2021-08-01&format=text', headers: { Metadata: 'true' } },
  passwordApi: false,
  metadata: [azureImdsApi, wireserverApi],
  provisioningMedia: { label: OVF_MEDIA_LABEL, files: (instance) => [{ path: OVF_ENV_FILE, content: Buffer.from(azureOvfEnv(instance)) }] },
};
