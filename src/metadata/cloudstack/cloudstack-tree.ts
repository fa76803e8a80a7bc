import type { InstanceRecord } from '../../domain/instance.js';
import { bytesLeaf, dir, OCTET_STREAM, textLeaf, type MetadataDir } from '../metadata-tree.js';

/** What the tree shows that the instance record does not carry. */
export interface CloudStackTreeContext {
  /** `cloud-identifier`: `CloudStack-{<uuid of the cloud>}`, the same for every instance of the cloud. */
  cloudIdentifier: string;
}

/**
 * One version directory of CloudStack's virtual-router metadata (`/latest/`; Exoscale's `/1.0/` too):
 * `meta-data/` and, when the instance has user-data, `user-data` (else 404, which cloud-init reads as
 * "no user-data"). The same for every version. Pure.
 *
 * `meta-data/` is CloudStack's set in CloudStack's order, for a basic zone (the guest's address is its
 * public address, so `public-ipv4` is `local-ipv4` and `public-hostname` the host name); `instance-id`
 * and `vm-id` are both the instance uuid. `public-keys` is one leaf holding every key, one per line
 * (cloud-init splits it), not EC2's `0=name` directory.
 */
export function buildCloudStackVersionTree(instance: InstanceRecord, ctx: CloudStackTreeContext): MetadataDir {
  const t = textLeaf;
  const metaData = dir(
    {
      'service-offering': t(instance.instanceType),
      'availability-zone': t(instance.availabilityZone),
      'local-ipv4': t(instance.ip),
      'local-hostname': t(instance.hostname),
      'public-ipv4': t(instance.ip),
      'public-hostname': t(instance.hostname),
      'instance-id': t(instance.uuid),
      'vm-id': t(instance.uuid),
      'public-keys': instance.publicKeys.length > 0 ? t(instance.publicKeys.map((k) => k.key.trimEnd()).join('\n')) : undefined,
      'cloud-identifier': t(ctx.cloudIdentifier),
    },
    { order: 'insertion' },
  );
  return dir({
    'meta-data': metaData,
    'user-data': instance.userData === null ? undefined : bytesLeaf(instance.userData, OCTET_STREAM),
  });
}
