import type { InstanceRecord } from '../../domain/instance.js';
import { buildMetaDataJson } from '../../metadata/openstack/meta-data-json.js';
import { buildNetworkDataJson } from '../../metadata/openstack/network-data-json.js';
import { openstackFiles, vendorData, vendorData2 } from '../../metadata/openstack/openstack-files.js';
import { OPENSTACK_DATED_VERSIONS } from '../../metadata/openstack/openstack-versions.js';

/** One file of a config drive: path relative to the drive's root, and its bytes. */
export interface ConfigDriveFile {
  path: string;
  content: Uint8Array;
}

/** The volume label cloud-init and CirrOS look for (cloud-init's DataSourceConfigDrive, cirros's cirros-ds). */
export const CONFIG_DRIVE_LABEL = 'config-2';

const EC2_VERSIONS = ['2009-04-04', 'latest'] as const;
const NEWEST = OPENSTACK_DATED_VERSIONS[OPENSTACK_DATED_VERSIONS.length - 1] ?? '2018-08-27';

/**
 * InstanceRecord → the files of a Nova-layout config drive: `openstack/<version>/…` for every version the
 * metadata server knows plus `latest` (what CirrOS reads), and `ec2/<version>/meta-data.json`. The
 * documents come from the metadata server's own builders, so drive and HTTP agree. Pure and
 * deterministic: `random_seed` is left out (a drive is written once and read many times). Sorted by path.
 */
export function configDriveFiles(record: InstanceRecord, ctx: { projectId: string }): ConfigDriveFile[] {
  const files: ConfigDriveFile[] = [];
  const versions: [string, string][] = [...OPENSTACK_DATED_VERSIONS.map((v): [string, string] => [v, v]), ['latest', NEWEST]];
  for (const [dirName, date] of versions) {
    for (const name of openstackFiles(record, date)) {
      const content = openstackFile(record, name, date, ctx);
      if (content) files.push({ path: `openstack/${dirName}/${name}`, content });
    }
  }
  for (const ver of EC2_VERSIONS) {
    files.push({ path: `ec2/${ver}/meta-data.json`, content: json(ec2MetaData(record)) });
    if (record.userData) files.push({ path: `ec2/${ver}/user-data`, content: record.userData });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function openstackFile(record: InstanceRecord, name: ReturnType<typeof openstackFiles>[number], date: string, ctx: { projectId: string }): Uint8Array | null {
  switch (name) {
    case 'meta_data.json': {
      const doc = buildMetaDataJson(record, date, ctx, '');
      delete doc['random_seed'];
      return json(doc);
    }
    case 'user_data':
      return record.userData;
    case 'password':
      // Nova writes no password file to the drive; the password is posted to the metadata server.
      return null;
    case 'vendor_data.json':
      return json(vendorData(record));
    case 'vendor_data2.json':
      return json(vendorData2(record));
    case 'network_data.json':
      return json(buildNetworkDataJson(record));
    default: {
      const never: never = name;
      throw new Error(`unknown OpenStack file ${String(never)}`);
    }
  }
}

/** The EC2 view Nova also writes (cloud-init reads it as `ec2-metadata`). */
function ec2MetaData(r: InstanceRecord): Record<string, unknown> {
  return {
    'ami-id': r.imageId,
    'ami-launch-index': r.launchIndex,
    hostname: r.hostname,
    'instance-id': r.id,
    'instance-type': r.instanceType,
    'local-hostname': r.hostname,
    'local-ipv4': r.ip,
    placement: { 'availability-zone': r.availabilityZone },
    'public-keys': Object.fromEntries(r.publicKeys.map((k, i) => [String(i), { 'openssh-key': k.key }])),
    'reservation-id': r.reservationId,
    'security-groups': r.securityGroups,
  };
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value) + '\n');
}
