import { describe, expect, it } from 'vitest';
import { configDriveFiles } from '../../../src/adapters/hypervisor/config-drive-layout.js';
import { sampleInstance } from '../../helpers/instance-record.js';
import { expectGolden } from './golden.js';

const record = sampleInstance(7, { datasource: 'configdrive' });
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('configDriveFiles (Nova layout)', () => {
  const files = configDriveFiles(record, { projectId: 'p1' });
  const byPath = new Map(files.map((f) => [f.path, f.content]));

  it('matches the golden file listing', () => {
    expectGolden('config-drive-files.txt', files.map((f) => `${f.path} ${f.content.length}`).join('\n') + '\n');
  });

  it('has what CirrOS reads: openstack/latest/meta_data.json and user_data', () => {
    const meta = JSON.parse(text(byPath.get('openstack/latest/meta_data.json') ?? new Uint8Array())) as Record<string, unknown>;
    expect(meta['uuid']).toBe(record.uuid);
    expect(meta['hostname']).toBe('vm-7');
    expect(meta['public_keys']).toEqual({ default: record.publicKeys[0]?.key });
    expect(text(byPath.get('openstack/latest/user_data') ?? new Uint8Array())).toBe('#cloud-config\nhostname: vm-7\n');
  });

  it('is deterministic: no random_seed', () => {
    expect(text(byPath.get('openstack/latest/meta_data.json') ?? new Uint8Array())).not.toContain('random_seed');
    expect(configDriveFiles(record, { projectId: 'p1' })).toEqual(files);
  });

  it('has the EC2 view with the instance id, and network_data.json from 2015-10-15 on', () => {
    const ec2 = JSON.parse(text(byPath.get('ec2/latest/meta-data.json') ?? new Uint8Array())) as Record<string, unknown>;
    expect(ec2['instance-id']).toBe(record.id);
    expect(byPath.has('openstack/2015-10-15/network_data.json')).toBe(true);
    expect(byPath.has('openstack/2012-08-10/network_data.json')).toBe(false);
  });

  it('leaves user_data out when the instance has none', () => {
    const paths = configDriveFiles({ ...record, userData: null }, { projectId: 'p1' }).map((f) => f.path);
    expect(paths.some((p) => p.endsWith('user_data') || p.endsWith('user-data'))).toBe(false);
  });
});
