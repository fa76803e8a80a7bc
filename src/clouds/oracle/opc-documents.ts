import { networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { adPrefix, ocid, ociRegionKey, vlanTag } from './oci-ids.js';

export interface OpcContext {
  /** The cloud's account id: OCI's tenancy (and root compartment) is derived from it. */
  accountId: string;
}

/** Keys of `instance.metadata` that OCI itself sets; a custom metadata key of the same name is not served. */
const RESERVED_METADATA_KEYS = ['ssh_authorized_keys', 'user_data'];

/**
 * `/opc/v{1,2}/instance/` for one instance: OCI's instance document, in the key order of the document
 * cloud-init's tests captured on OCI. What cloud-init reads: `id` (instance-id), `hostname`
 * (local-hostname), `displayName`, `ociAdName` (availability zone; a KeyError if missing) and
 * `metadata.ssh_authorized_keys` (newline-separated) and `metadata.user_data` (base64). Custom metadata
 * (the record's `meta`) sits beside those two keys, as OCI serves `--metadata` keys. Pure.
 */
export function buildOpcInstance(instance: InstanceRecord, ctx: OpcContext): Record<string, unknown> {
  const tenancy = ocid('tenancy', null, ctx.accountId);
  const regionKey = ociRegionKey(instance.region);
  const metadata: Record<string, string> = {};
  if (instance.publicKeys.length > 0) metadata['ssh_authorized_keys'] = instance.publicKeys.map((k) => k.key).join('\n');
  if (instance.userData !== null) metadata['user_data'] = Buffer.from(instance.userData).toString('base64');
  for (const key of Object.keys(instance.meta).sort()) {
    const value = instance.meta[key];
    if (value !== undefined && !RESERVED_METADATA_KEYS.includes(key)) metadata[key] = value;
  }
  return {
    availabilityDomain: `${adPrefix(ctx.accountId)}:${instance.availabilityZone.toUpperCase()}`,
    faultDomain: `FAULT-DOMAIN-${(instance.launchIndex % 3) + 1}`,
    compartmentId: tenancy,
    displayName: instance.name,
    hostname: instance.hostname,
    id: ocid('instance', instance.region, instance.id, 'an'),
    image: ocid('image', instance.region, instance.imageId),
    metadata,
    region: instance.region,
    canonicalRegionName: instance.region,
    ociAdName: instance.availabilityZone,
    regionInfo: { realmDomainComponent: 'oraclecloud.com', realmKey: 'oc1', regionIdentifier: instance.region, regionKey },
    shape: instance.instanceType,
    state: 'Running',
    tenantId: tenancy,
    timeCreated: instance.createdAt,
    agentConfig: { monitoringDisabled: false, managementDisabled: false, allPluginsDisabled: false },
  };
}

/**
 * `/opc/v{1,2}/vnics/`: the instance's one VNIC. minicloud's bridge is a /24 whose first address is the
 * gateway (src/adapters/network/choose-subnet.ts), so the subnet and the virtual router follow from the
 * address. The MAC is the guest's real one, upper-case as OCI prints it (cloud-init lower-cases it and
 * names the NIC by it). No `nicIndex`: OCI sets it only on bare metal. No IPv6 keys: the subnet has none.
 */
export function buildOpcVnics(instance: InstanceRecord): Record<string, unknown>[] {
  const net = networkSeed(instance.ip);
  return [
    {
      vnicId: ocid('vnic', instance.region, instance.id, 'ab'),
      privateIp: instance.ip,
      vlanTag: vlanTag(instance.id),
      macAddr: instance.mac.toUpperCase(),
      virtualRouterIp: `${net}.1`,
      subnetCidrBlock: `${net}.0/24`,
    },
  ];
}
