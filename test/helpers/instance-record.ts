import type { Datasource, InstanceRecord } from '../../src/domain/instance.js';

/** A valid, fully populated instance; `n` (0–255) makes id, name, MAC and IP unique. */
export function sampleInstance(n: number, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const hex = n.toString(16).padStart(2, '0');
  return {
    id: `i-${'0'.repeat(15)}${hex}`,
    uuid: `00000000-0000-4000-8000-0000000000${hex}`,
    name: `vm-${n}`,
    hostname: `vm-${n}`,
    mac: `52:54:00:00:00:${hex}`,
    ip: `10.0.0.${n}`,
    publicKeys: [{ name: 'default', key: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${hex} test@minicloud` }],
    userData: new TextEncoder().encode(`#cloud-config\nhostname: vm-${n}\n`),
    meta: { role: 'test', n: String(n) },
    datasource: 'ec2',
    imdsv2: 'optional',
    launchIndex: 0,
    instanceType: 't3.micro',
    imageId: 'ami-00000000',
    availabilityZone: 'us-east-1a',
    region: 'us-east-1',
    reservationId: `r-${'0'.repeat(15)}${hex}`,
    securityGroups: ['default'],
    iamRole: null,
    vendorData: {},
    createdAt: 1_700_000_000_000 + n,
    cloudEvents: [],
    ...overrides,
  };
}

/** The fields that tie a booted guest to its record: its names, and the MAC and lease IP the metadata server knows it by. */
export type InstanceIdentity = Pick<InstanceRecord, 'id' | 'uuid' | 'name' | 'hostname' | 'mac' | 'ip'>;

/** One guest of a vm test or bench: its identity, the cloud it believes in, and its user-data as text. */
export interface TestInstance extends InstanceIdentity {
  datasource: 'ec2' | 'openstack';
  userData: string;
}

/** Just the identity fields of `i`, in InstanceRecord order (the order instancesYaml writes them in). */
export function identityOf(i: InstanceIdentity): InstanceIdentity {
  return { id: i.id, uuid: i.uuid, name: i.name, hostname: i.hostname, mac: i.mac, ip: i.ip };
}

/**
 * The InstanceRecord the metadata server would hold for a test instance (what a config drive is built
 * from): sampleInstance(1) with `i`'s identity and user-data (empty text: none) and `datasource`.
 */
export function recordOf(i: TestInstance, datasource: Datasource): InstanceRecord {
  return sampleInstance(1, {
    ...identityOf(i),
    userData: i.userData ? new TextEncoder().encode(i.userData) : null,
    datasource,
  });
}
