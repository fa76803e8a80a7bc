import { describe, expect, it } from 'vitest';
import { CLOUDS, cloudNamed } from '../../../src/clouds/registry.js';

const smbiosIdentity = (name: string, ids: { instanceId: string; instanceUuid: string }) => cloudNamed(name).identity(ids);

const ids = { instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' };

describe('cloud identities (what ds-identify reads)', () => {
  it('openstack: Nova vendor and product, serial = uuid = instance uuid', () => {
    expect(smbiosIdentity('openstack', ids)).toEqual({
      system: {
        manufacturer: 'OpenStack Foundation',
        product: 'OpenStack Nova',
        serial: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        uuid: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        family: 'Virtual Machine',
      },
    });
  });

  it('ec2: uuid starts with ec2 and serial equals it (cloud-init 22.4 compares them)', () => {
    const id = smbiosIdentity('ec2', ids).system;
    expect(id.uuid).toBe('ec2e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b');
    expect(id.serial).toBe(id.uuid);
    expect(id.product).not.toBe('OpenStack Nova');
  });

  it('nocloud: the seed URL in the serial, with the trailing slash 22.4 needs', () => {
    expect(smbiosIdentity('nocloud', ids).system.serial).toBe('ds=nocloud-net;s=http://169.254.169.254/nocloud/i-0abc/');
  });

  it('configdrive: Nova DMI (the config-2 label makes ds-identify prefer ConfigDrive)', () => {
    expect(smbiosIdentity('configdrive', ids).system.product).toBe('OpenStack Nova');
  });

  it('the guest uuid equals the SMBIOS uuid for every cloud', () => {
    for (const cloud of CLOUDS) {
      expect(cloud.identity(ids).system.uuid, cloud.name).toBe(cloud.guestUuid(ids.instanceUuid));
    }
  });
});
