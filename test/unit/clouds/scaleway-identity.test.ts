import { describe, expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { identityGolden } from './identity-golden.js';

const ids = { instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' };
const DMI = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'board_serial'];

describe('Scaleway and Akamai identities', () => {
  it('scaleway: vendor Scaleway (what ds-identify and the datasource read), uuid = the instance uuid (golden: QEMU and libvirt)', async () => {
    expect(cloudNamed('scaleway').identity(ids)).toEqual({ system: { manufacturer: 'Scaleway', uuid: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' } });
    await expect(identityGolden('scaleway', DMI)).toMatchFileSnapshot('../../../fixtures/clouds/scaleway/identity.txt');
  });

  it('akamai: vendor Akamai, serial = the Linode id (cloud-init\'s local instance-id), no baseboard flags (golden)', async () => {
    const id = cloudNamed('akamai').identity(ids);
    expect(id.system.manufacturer).toBe('Akamai');
    expect(id.system.serial).toMatch(/^[1-9]\d{7}$/);
    expect(cloudNamed('akamai').identity(ids).system.serial).toBe(id.system.serial);
    expect(cloudNamed('akamai').identity({ ...ids, instanceId: 'i-0abd' }).system.serial).not.toBe(id.system.serial);
    expect(id.baseBoard).toBeUndefined();
    await expect(identityGolden('akamai', DMI)).toMatchFileSnapshot('../../../fixtures/clouds/akamai/identity.txt');
  });
});
