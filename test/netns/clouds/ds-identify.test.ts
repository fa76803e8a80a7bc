import { beforeAll, expect, it } from 'vitest';
import { CLOUDS } from '../../../src/clouds/registry.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON, ensureCloudInitClient, type CloudInitClient } from '../../helpers/cloud-init-client.js';
import { releaseHas } from '../../helpers/cloud-init-release.js';
import { runDsIdentify } from '../../helpers/ds-identify.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

// cloud-init's own ds-identify, 22.4.2 (Debian's, with its maybe=none policy) and 25.3, run on the DMI
// a minicloud guest of each registered cloud sees (built from that cloud's own SMBIOS builder): it must
// pick exactly that cloud, as on the real cloud. A cloud added to the registry is checked here without
// a line of its own. A plain QEMU guest must get none (cloud-init disabled).
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

    for (const cloud of CLOUDS) {
      const { dataSource, since } = cloud.cloudInit;
      if (!releaseHas(version, since)) {
        it(`${cloud.name}: cloud-init ${version} predates DataSource${dataSource} (${since}), so it finds nothing`, () => {
          const r = runDsIdentify(client, { identity: cloud.identity(ids) });
          expect(r.datasources, r.log).toBeNull();
        });
        continue;
      }
      if (cloud.delivery === 'config-drive') {
        it(`${cloud.name}: the config-2 disk puts ${dataSource} first`, () => {
          const r = runDsIdentify(client, { identity: cloud.identity(ids), fsLabels: ['config-2'] });
          expect(r.datasources?.[0], r.log).toBe(dataSource);
        });
        continue;
      }
      it(`${cloud.name}: picks exactly [${dataSource}, None]`, () => {
        const r = runDsIdentify(client, { identity: cloud.identity(ids) });
        expect(r.datasources, r.log).toEqual([dataSource, 'None']);
      });
    }
  });
}
