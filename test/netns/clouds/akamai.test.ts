import { beforeAll, expect, it } from 'vitest';
import { linodeId } from '../../../src/clouds/akamai/akamai-documents.js';
import { DEBIAN_PYTHON, ensureCloudInitClient, type CloudInitClient } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, runCloudInitIn, useCloudWorld, userDataOf } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

// cloud-init's real DataSourceAkamai against `minicloud metadata serve` playing Akamai, on the DMI
// minicloud gives an Akamai guest. 25.3 only: the datasource arrived in cloud-init 23.3, so Debian 12's
// 22.4.2 has none (ds-identify.test.ts shows 22.4.2 finding no datasource on this DMI).
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
/** The guest's NIC (the datasource's fallback interface: minicloud's MACs lack Akamai's `f2:3` prefix). */
const NIC = 'ens3';

describeWhen(REQUIREMENTS, 'cloud-init 25.3 DataSourceAkamai against minicloud playing Akamai', () => {
  let client: CloudInitClient | undefined;
  beforeAll(async () => {
    client = await ensureCloudInitClient('25.3');
  });
  const get = useCloudWorld('mcakamai253', cloudTestInstance('akamai'));
  beforeAll(async () => {
    const { ns, instance } = get();
    await ns.run('ip', ['link', 'add', NIC, 'address', instance.mac, 'type', 'veth', 'peer', 'name', 'vethmc0']);
    await ns.run('ip', ['link', 'set', NIC, 'up']);
    await ns.run('ip', ['link', 'set', 'vethmc0', 'up']);
  });

  for (const className of ['DataSourceAkamaiLocal', 'DataSourceAkamai']) {
    it(`${className}: a token, then the instance (id = the Linode id = the DMI serial) and the user-data byte for byte, with no 4xx`, async () => {
      const world = get();
      const { instance } = world;
      if (!client) throw new Error('cloud-init 25.3 was not unpacked (see the beforeAll error)');
      const { result, requests, context } = await runCloudInitIn(world, client, { datasource: 'Akamai', className });
      expect(result?.ok, context).toBe(true);
      // Akamai's instance id is an integer in the document; cloud-init's instance-id is its text, which
      // is also the DMI serial (check_instance_id compares the two).
      expect(result, context).toMatchObject({ dsname: 'Akamai', instanceId: String(linodeId(instance.id)), metadata: { id: linodeId(instance.id), label: instance.name } });
      expect(userDataOf(result), context).toBe(instance.userData);
      // Akamai's datasource reads no keys and no hostname from the service (Linode puts the keys on the
      // disk at deploy; /v1/ssh-keys has them for other clients) and has no network config of its own.
      expect(result?.publicKeys, context).toEqual([]);
      expect(result?.networkConfig, context).toBeNull();
      expect(requests.filter((r) => r.status >= 400), context).toEqual([]);
      // The IPv6 endpoint ([fd00:a9fe:a9fe::1]) is tried first: this namespace cannot reach it, so only
      // the IPv4 requests arrive.
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`), context).toEqual(['PUT /v1/token 200', 'GET /v1/instance 200', 'GET /v1/user-data 200']);
    });
  }

  it('without a token, or with a made-up one, every endpoint is a 401 (as Akamai)', async () => {
    const { ns } = get();
    for (const headers of [[], ['-H', 'Metadata-Token: not-a-token']]) {
      for (const path of ['/v1/instance', '/v1/network', '/v1/ssh-keys', '/v1/user-data']) {
        const r = await ns.runStatus('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...headers, `http://169.254.169.254${path}`]);
        expect(r.stdout, `${path} ${headers.join(' ')}`).toBe('401');
      }
    }
    const token = (await ns.run('curl', ['-s', '-X', 'PUT', '-H', 'Metadata-Token-Expiry-Seconds: 60', 'http://169.254.169.254/v1/token'])).stdout;
    const net = await ns.run('curl', ['-s', '-H', `Metadata-Token: ${token}`, '-H', 'Accept: application/json', 'http://169.254.169.254/v1/network']);
    expect(JSON.parse(net.stdout)).toMatchObject({ ipv4: { public: ['169.254.169.254/32'] } });
  });
});
