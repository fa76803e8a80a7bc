import type { InstanceRecord } from '../domain/instance.js';

/** One file of a config drive: path relative to the drive's root, and its bytes. */
export interface ConfigDriveFile {
  path: string;
  content: Uint8Array;
}

/** The volume label cloud-init and CirrOS look for (reference/real-clients.md §1.4). */
export const CONFIG_DRIVE_LABEL = 'config-2';

const EC2_VERSIONS = ['2009-04-04', 'latest'] as const;
/** Nova's metadata versions (nova/api/metadata/base.py) the drive carries; `latest` repeats the newest. */
const OPENSTACK_DATED_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27'];
const NEWEST = '2018-08-27';
type OpenstackFile = 'meta_data.json' | 'user_data' | 'vendor_data.json' | 'network_data.json' | 'vendor_data2.json';

/** The files of `openstack/<version>/`, gated by version date as Nova gates them. */
function openstackFiles(record: InstanceRecord, date: string): OpenstackFile[] {
  const files: OpenstackFile[] = ['meta_data.json'];
  if (record.userData !== null) files.push('user_data');
  if (date >= '2013-10-17') files.push('vendor_data.json');
  if (date >= '2015-10-15') files.push('network_data.json');
  if (date >= '2016-10-06') files.push('vendor_data2.json');
  return files;
}

/**
 * InstanceRecord → the files of a Nova-layout config drive: `openstack/<version>/…` for Nova's versions
 * plus `latest` (what CirrOS reads), and `ec2/<version>/meta-data.json`. Pure and deterministic (no
 * random_seed: a drive is written once and read many times). Sorted by path.
 * TODO(metadata): build the documents with src/metadata/openstack's builders once they are on main, so
 * drive and HTTP cannot drift.
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

function openstackFile(record: InstanceRecord, name: OpenstackFile, date: string, ctx: { projectId: string }): Uint8Array | null {
  switch (name) {
    case 'meta_data.json':
      return json(openstackMetaData(record, date, ctx));
    case 'user_data':
      return record.userData;
    case 'vendor_data.json':
      return json({ ...record.vendorData });
    case 'vendor_data2.json':
      return json(Object.keys(record.vendorData).length === 0 ? {} : { static: { ...record.vendorData } });
    case 'network_data.json':
      return json({
        links: [{ id: 'tap0', type: 'phy', ethernet_mac_address: record.mac, mtu: 1500, vif_id: record.id }],
        networks: [{ id: 'network0', link: 'tap0', type: 'ipv4_dhcp', network_id: 'minicloud' }],
        services: [],
      });
    default: {
      const never: never = name;
      throw new Error(`unknown OpenStack file ${String(never)}`);
    }
  }
}

/** Nova's meta_data.json: the fields cloud-init and CirrOS read. */
function openstackMetaData(r: InstanceRecord, date: string, ctx: { projectId: string }): Record<string, unknown> {
  const doc: Record<string, unknown> = { uuid: r.uuid };
  if (Object.keys(r.meta).length > 0) doc['meta'] = { ...r.meta };
  if (r.publicKeys.length > 0) {
    doc['public_keys'] = Object.fromEntries(r.publicKeys.map((k) => [k.name, k.key]));
    if (date >= '2015-10-15') doc['keys'] = r.publicKeys.map((k) => ({ name: k.name, type: 'ssh', data: k.key }));
  }
  doc['hostname'] = r.hostname;
  doc['name'] = r.name;
  doc['launch_index'] = r.launchIndex;
  doc['availability_zone'] = r.availabilityZone;
  if (date >= '2015-10-15') doc['project_id'] = ctx.projectId;
  doc['devices'] = [];
  return doc;
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
