import type { InstanceRecord } from '../../../src/domain/instance.js';
import { sampleInstance } from '../../helpers/instance-record.js';
import type { TestInstance } from '../images/guest-world.js';

/** The InstanceRecord the metadata server would hold for a test instance (what a config drive is built from). */
export function recordOf(i: TestInstance, datasource: InstanceRecord['datasource']): InstanceRecord {
  return sampleInstance(1, {
    id: i.id,
    uuid: i.uuid,
    name: i.name,
    hostname: i.hostname,
    mac: i.mac,
    ip: i.ip,
    userData: i.userData ? new TextEncoder().encode(i.userData) : null,
    datasource,
  });
}
