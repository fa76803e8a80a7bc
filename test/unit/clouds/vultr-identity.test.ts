import { describe, expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { identityGolden } from './identity-golden.js';

const DMI_FILES = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'chassis_vendor', 'chassis_asset_tag'];

describe('Vultr identity', () => {
  it('vendor Vultr, product VC2, serial = uuid = the instance uuid (golden: QEMU and libvirt)', async () => {
    const id = cloudNamed('vultr').identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    const uuid = '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
    expect(id).toEqual({ system: { manufacturer: 'Vultr', product: 'VC2', serial: uuid, uuid } });
    // cloud-init's check_instance_id: the serial (Vultr's SUBID field) must equal the system uuid.
    expect(id.system.serial).toBe(id.system.uuid);
    await expect(identityGolden('vultr', DMI_FILES)).toMatchFileSnapshot('../../../fixtures/clouds/vultr/identity.txt');
  });
});
