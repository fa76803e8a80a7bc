import { derivedUuid, networkSeed } from '../../core/derived-ids.js';
import { defaultSshUser } from '../../core/image-manifest.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { azureVmId } from './azure-identity.js';

/** A JSON value of an IMDS document (IMDS writes every scalar as a string, as here). */
export type ImdsValue = string | readonly ImdsValue[] | { readonly [key: string]: ImdsValue };
export type ImdsObject = { readonly [key: string]: ImdsValue };

/** The resource group every minicloud VM is in (shown in resourceId, as Azure does). */
const RESOURCE_GROUP = 'minicloud';

/** The instance meta key that names the VM's admin user (`az vm create --admin-username`). */
const ADMIN_USERNAME_META = 'adminUsername';

/**
 * The VM's admin user: the instance's `adminUsername` meta, else the login user minicloud assumes for
 * the image its imageId was made from (`ami-debiancloud` → debian; the rule `minicloud ssh` falls back
 * to). cloud-init makes this user the default user and gives it the keys: without a name it would make
 * none at all (the datasource's config sets the default user's name, empty when IMDS gives none). Pure.
 */
export function azureAdminUsername(instance: InstanceRecord): string {
  return instance.meta[ADMIN_USERNAME_META] ?? defaultSshUser(instance.imageId);
}

/** The subscription minicloud's VMs belong to: stable per account. */
export function azureSubscriptionId(accountId: string): string {
  return derivedUuid(`azure-subscription:${accountId}`);
}

/** The MAC as Azure IMDS writes it: upper-case hex without separators. */
function imdsMac(mac: string): string {
  return mac.replace(/[:-]/g, '').toUpperCase();
}

/**
 * `/metadata/instance` for one VM (api-version 2021-08-01's fields in Azure's documented order), with
 * `extended` when the request asks `extended=true`. Pure.
 *
 * compute: the VM's name, `osProfile` (admin user, the computer name = the hostname, password login
 * off since the VM has keys), `publicKeys` (each key into the admin user's authorized_keys), `userData`
 * (the instance's user-data base64, "" when none) and `customData` "" (IMDS never serves custom data:
 * Azure disabled it there), location = the region, vmSize = the instance type, the vmId the guest's
 * SMBIOS uuid stands for. network: one interface, the guest's real MAC (cloud-init matches it), its
 * address and minicloud's /24.
 */
export function azureInstanceDocument(instance: InstanceRecord, ctx: { accountId: string; extended: boolean }): ImdsObject {
  const admin = azureAdminUsername(instance);
  const subscriptionId = azureSubscriptionId(ctx.accountId);
  const net = networkSeed(instance.ip);
  const compute: ImdsObject = {
    azEnvironment: 'AzurePublicCloud',
    customData: '',
    evictionPolicy: '',
    isHostCompatibilityLayerVm: 'false',
    licenseType: '',
    location: instance.region,
    name: instance.name,
    offer: '',
    osProfile: { adminUsername: admin, computerName: instance.hostname, disablePasswordAuthentication: 'true' },
    osType: 'Linux',
    placementGroupId: '',
    plan: { name: '', product: '', publisher: '' },
    platformFaultDomain: '0',
    platformUpdateDomain: '0',
    priority: '',
    provider: 'Microsoft.Compute',
    publicKeys: instance.publicKeys.map((k) => ({ keyData: k.key.trimEnd(), path: `/home/${admin}/.ssh/authorized_keys` })),
    publisher: '',
    resourceGroupName: RESOURCE_GROUP,
    resourceId: `/subscriptions/${subscriptionId}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachines/${instance.name}`,
    securityProfile: { secureBootEnabled: 'false', virtualTpmEnabled: 'false' },
    sku: '',
    subscriptionId,
    tags: '',
    tagsList: [],
    userData: instance.userData === null ? '' : Buffer.from(instance.userData).toString('base64'),
    version: '',
    vmId: azureVmId(instance.uuid),
    vmScaleSetName: '',
    vmSize: instance.instanceType,
    zone: '',
  };
  const network: ImdsObject = {
    interface: [
      {
        ipv4: { ipAddress: [{ privateIpAddress: instance.ip, publicIpAddress: '' }], subnet: [{ address: `${net}.0`, prefix: '24' }] },
        ipv6: { ipAddress: [] },
        macAddress: imdsMac(instance.mac),
      },
    ],
  };
  // The extended view: not a pre-provisioned VM, so cloud-init provisions at once.
  return ctx.extended ? { compute, network, extended: { compute: { ppsType: 'None' } } } : { compute, network };
}
