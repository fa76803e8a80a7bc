import { beforeAll, expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON, ensureCloudInitClient, type CloudInitClient } from '../../helpers/cloud-init-client.js';
import { runDsIdentify } from '../../helpers/ds-identify.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

// cloud-init's own ds-identify, 22.4.2 (Debian's, with its maybe=none policy) and 25.3, run on the DMI
// a minicloud guest of each datasource sees (built from minicloud's SMBIOS builder): it must pick exactly
// that datasource, as on the real cloud. A plain QEMU guest must get none (cloud-init disabled).
const REQUIREMENTS = { root: true, commands: ['apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
const ids = { instanceId: 'i-0123456789abcdef0', instanceUuid: '7b536758-e6f0-4595-82b5-9a209391a904' };

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `ds-identify ${version} on minicloud's SMBIOS identities`, () => {
    let client: CloudInitClient;
    beforeAll(async () => {
      client = await ensureCloudInitClient(version);
    });

    it('a plain QEMU guest: no datasource, cloud-init disabled', () => {
      const r = runDsIdentify(client, { identity: { system: {} } });
      expect(r.datasources, r.log).toBeNull();
    });

    it.each([
      ['openstack', ['OpenStack', 'None']],
      ['ec2', ['Ec2', 'None']],
    ] as const)('%s: picks exactly %j', (datasource, expected) => {
      const r = runDsIdentify(client, { identity: cloudNamed(datasource).identity(ids) });
      expect(r.datasources, r.log).toEqual(expected);
    });

    it('configdrive: the config-2 disk puts ConfigDrive first, ahead of the Nova DMI', () => {
      const r = runDsIdentify(client, { identity: cloudNamed('configdrive').identity(ids), fsLabels: ['config-2'] });
      expect(r.datasources?.[0], r.log).toBe('ConfigDrive');
    });

    it('nocloud: the seed URL in the serial selects NoCloud', () => {
      const r = runDsIdentify(client, { identity: cloudNamed('nocloud').identity(ids) });
      expect(r.datasources, r.log).toEqual(['NoCloud', 'None']);
    });
  });
}
