import type { InstanceRecord } from '../../../src/domain/instance.js';
import type { TestInstance } from '../images/guest-world.js';

/** The InstanceRecord the metadata server would hold for a test instance (what a config drive is built from). */
export function recordOf(i: TestInstance, datasource: InstanceRecord['datasource']): InstanceRecord {
  return {
    id: i.id,
    uuid: i.uuid,
    name: i.name,
    hostname: i.hostname,
    mac: i.mac,
    ip: i.ip,
    publicKeys: [],
    userData: i.userData ? new TextEncoder().encode(i.userData) : null,
    meta: {},
    datasource,
    imdsv2: 'optional',
    launchIndex: 0,
    instanceType: 'm1.tiny',
    imageId: 'ami-00000001',
    availabilityZone: 'nova',
    region: 'RegionOne',
    reservationId: 'r-0000000000000001',
    securityGroups: ['default'],
    iamRole: null,
    vendorData: {},
    createdAt: 0,
  };
}
