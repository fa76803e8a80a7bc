import type { IamRole, InstanceRecord } from '../../domain/instance.js';
import { derivedHex, networkSeed, rfc3339 } from '../../core/derived-ids.js';
import { bytesLeaf, dir, jsonLeaf, OCTET_STREAM, textLeaf, type MetadataDir, type MetadataNode } from '../metadata-tree.js';
import { ec2EventEntries } from './ec2-events-tree.js';
import { ec2VersionIncludes, type Ec2Version } from './ec2-versions.js';

/** What the EC2 tree needs beyond the instance record. */
export interface Ec2TreeContext {
  /** AWS account id shown in the identity document, IAM ARNs and `owner-id`. */
  accountId: string;
  /** The role served under `iam/` (the instance's, else the cloud default); null: no `iam/` at all, as on EC2. */
  iamRole: IamRole | null;
  /**
   * The moment the instance's cloud events are shown at (spot/, events/, autoscaling/: EC2's own tree);
   * null leaves them out (Nova's EC2-compatible tree has none).
   */
  cloudEventsAt: number | null;
}

/**
 * The EC2 tree of one API version for one instance: `/<version>/` with `meta-data/`, `dynamic/` and
 * `user-data` (only when the instance has user data). Pure.
 *
 * Keys are gated by the version that introduced them: Nova's gates for 1.0 … 2008-09-01, EC2's
 * documented release versions for the newer categories (mac and network 2011-01-01, iam 2012-01-12,
 * services 2014-02-25, placement/region 2019-10-01).
 */
export function buildEc2VersionTree(instance: InstanceRecord, version: Ec2Version, ctx: Ec2TreeContext): MetadataDir {
  return dir({
    'meta-data': buildMetaData(instance, version, ctx),
    dynamic: ec2VersionIncludes(version, '2009-04-04') ? buildDynamic(instance, ctx) : undefined,
    'user-data': instance.userData === null ? undefined : bytesLeaf(instance.userData, OCTET_STREAM),
  });
}

function buildMetaData(instance: InstanceRecord, version: Ec2Version, ctx: Ec2TreeContext): MetadataDir {
  const since = (v: string) => ec2VersionIncludes(version, v);
  const t = textLeaf;
  const events = ctx.cloudEventsAt === null ? undefined : ec2EventEntries(instance.cloudEvents, ctx.cloudEventsAt, version);
  return dir({
    // 1.0
    'ami-id': t(instance.imageId),
    'ami-launch-index': t(String(instance.launchIndex)),
    // EC2 answers `(unknown)` for EBS-backed AMIs; Nova answers `FIXME`.
    'ami-manifest-path': t('(unknown)'),
    'instance-id': t(instance.id),
    hostname: t(instance.hostname),
    'local-ipv4': t(instance.ip),
    'reservation-id': t(instance.reservationId),
    'security-groups': t(instance.securityGroups.join('\n')),
    'public-keys': instance.publicKeys.length > 0 ? buildPublicKeys(instance) : undefined,
    // 2007-01-19
    'local-hostname': since('2007-01-19') ? t(instance.hostname) : undefined,
    'public-hostname': since('2007-01-19') ? t(instance.hostname) : undefined,
    // Nova: "first floating IP or empty"; minicloud instances have no public address.
    'public-ipv4': since('2007-01-19') ? t('') : undefined,
    // 2007-08-29
    'instance-type': since('2007-08-29') ? t(instance.instanceType) : undefined,
    // 2007-12-15: Nova's instance_block_mapping for a virtio root disk.
    'block-device-mapping': since('2007-12-15') ? dir({ ami: t('vda'), root: t('/dev/vda') }) : undefined,
    // 2008-02-01 (region: 2019-10-01)
    placement: since('2008-02-01')
      ? dir({
          'availability-zone': t(instance.availabilityZone),
          region: since('2019-10-01') ? t(instance.region) : undefined,
        })
      : undefined,
    // 2008-09-01
    'instance-action': since('2008-09-01') ? t('none') : undefined,
    // 2011-01-01
    mac: since('2011-01-01') ? t(instance.mac) : undefined,
    network: since('2011-01-01') ? buildNetwork(instance, version, ctx) : undefined,
    // 2012-01-12
    iam: since('2012-01-12') && ctx.iamRole !== null ? buildIam(instance, ctx.iamRole, ctx) : undefined,
    // 2014-02-25
    services: since('2014-02-25') ? dir({ domain: t('amazonaws.com'), partition: t('aws') }) : undefined,
    // Cloud events (docs/events.md), each from the version EC2 introduced it in.
    spot: events?.spot,
    events: events?.events,
    autoscaling: events?.autoscaling,
  });
}

/** EC2's odd key layout: the listing shows `0=name`, the directory is `0/` and holds `openssh-key`. */
function buildPublicKeys(instance: InstanceRecord): MetadataDir {
  const entries: Record<string, MetadataNode> = {};
  const listAs: Record<string, string> = {};
  instance.publicKeys.forEach((key, index) => {
    entries[String(index)] = dir({ 'openssh-key': textLeaf(key.key.trimEnd()) });
    listAs[String(index)] = `${index}=${key.name}`;
  });
  return dir(entries, { listAs });
}

/**
 * The interface's subnet and VPC blocks are the /24 around its address: a minicloud cloud is one /24 on
 * one bridge (the controller refuses any other prefix), so that is the guest's real DHCP subnet, and one
 * bridge is one VPC. `metadata serve` knows only the address and assumes the same (docs/configuration.md).
 */
function buildNetwork(instance: InstanceRecord, version: Ec2Version, ctx: Ec2TreeContext): MetadataDir {
  const net = networkSeed(instance.ip);
  const block = `${net}.0/24`;
  const hasBlockLists = ec2VersionIncludes(version, '2016-06-30');
  const t = textLeaf;
  const macDir = dir({
    'device-number': t('0'),
    'interface-id': t(`eni-${derivedHex(`eni:${instance.id}`, 17)}`),
    'local-hostname': t(instance.hostname),
    'local-ipv4s': t(instance.ip),
    mac: t(instance.mac),
    'owner-id': t(ctx.accountId),
    'security-groups': t(instance.securityGroups.join('\n')),
    'subnet-id': t(`subnet-${derivedHex(`subnet:${net}`, 17)}`),
    'subnet-ipv4-cidr-block': t(block),
    'subnet-ipv4-cidr-blocks': hasBlockLists ? t(block) : undefined,
    'vpc-id': t(`vpc-${derivedHex(`vpc:${net}`, 17)}`),
    'vpc-ipv4-cidr-block': t(block),
    'vpc-ipv4-cidr-blocks': hasBlockLists ? t(block) : undefined,
  });
  return dir({ interfaces: dir({ macs: dir({ [instance.mac]: macDir }) }) });
}

function buildIam(instance: InstanceRecord, role: IamRole, ctx: Ec2TreeContext): MetadataDir {
  const lastUpdated = rfc3339(instance.createdAt);
  return dir({
    info: jsonLeaf({
      Code: 'Success',
      LastUpdated: lastUpdated,
      InstanceProfileArn: `arn:aws:iam::${ctx.accountId}:instance-profile/${role.name}`,
      InstanceProfileId: `AIPA${derivedHex(`profile:${role.name}`, 17).toUpperCase()}`,
    }),
    'security-credentials': dir({
      [role.name]: jsonLeaf({
        Code: 'Success',
        LastUpdated: lastUpdated,
        Type: 'AWS-HMAC',
        AccessKeyId: role.accessKeyId,
        SecretAccessKey: role.secretAccessKey,
        Token: role.token,
        Expiration: role.expiration,
      }),
    }),
  });
}

function buildDynamic(instance: InstanceRecord, ctx: Ec2TreeContext): MetadataDir {
  return dir({
    'instance-identity': dir({
      // Unsigned: pkcs7, signature and rsa2048 are not served (minicloud has no AWS signing key).
      document: jsonLeaf({
        accountId: ctx.accountId,
        architecture: 'x86_64',
        availabilityZone: instance.availabilityZone,
        billingProducts: null,
        devpayProductCodes: null,
        marketplaceProductCodes: null,
        imageId: instance.imageId,
        instanceId: instance.id,
        instanceType: instance.instanceType,
        kernelId: null,
        pendingTime: rfc3339(instance.createdAt),
        privateIp: instance.ip,
        ramdiskId: null,
        region: instance.region,
        version: '2017-09-30',
      }),
    }),
  });
}
