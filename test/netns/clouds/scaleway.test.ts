import { beforeAll, expect, it } from 'vitest';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, runCloudInitIn, useCloudWorld, userDataOf } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceScaleway (init-local, one class in both versions) against `minicloud
// metadata serve` playing Scaleway, on the DMI minicloud gives a Scaleway guest. The client talks to
// 169.254.42.42, which the world DNATs to the server as the bridge does, keeping the source port: it
// fetches user and vendor data from port 1 (cloud-init binds it, being root), and Scaleway's rule that
// only a privileged source port gets them is checked from both sides.
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
/** The guest's NIC (cloud-init's fallback interface), with the instance's MAC; its veth peer is never a candidate. */
const NIC = 'ens3';
const SCALEWAY_METADATA = 'http://169.254.42.42';
const VENDOR_DATA = '#cloud-config\n# Scaleway vendor data\npackages: [htop]\n';

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceScaleway against minicloud playing Scaleway`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mcscw${version.replace(/\D/g, '')}`, cloudTestInstance('scaleway', { extra: { vendorData: { 'cloud-init': VENDOR_DATA } } }));
    beforeAll(async () => {
      const { ns, instance } = get();
      await ns.run('ip', ['link', 'add', NIC, 'address', instance.mac, 'type', 'veth', 'peer', 'name', 'vethmc0']);
      await ns.run('ip', ['link', 'set', NIC, 'up']);
      await ns.run('ip', ['link', 'set', 'vethmc0', 'up']);
    });

    it('reads id, hostname, keys, user-data and vendor-data byte for byte (from source port 1), and its network config, with no 4xx', async () => {
      const world = get();
      const { instance } = world;
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Scaleway' });
      expect(result?.ok, context).toBe(true);
      expect(result, context).toMatchObject({ dsname: 'Scaleway', instanceId: instance.uuid, hostname: instance.hostname, publicKeys: instance.publicKeys });
      expect(userDataOf(result), context).toBe(instance.userData);
      expect(Buffer.from(result?.vendorDataB64 ?? '', 'base64').toString('utf8'), context).toBe(VENDOR_DATA);
      if (version === '22.4.2') {
        // 22.4.2: DHCP on the fallback NIC (the metadata's ipv6 is null: no static IPv6 subnet).
        expect(result?.networkConfig, context).toEqual({ version: 1, config: [{ type: 'physical', name: NIC, subnets: [{ type: 'dhcp4' }] }] });
      } else {
        // 25.3: private_ip is null, so the public_ips entry whose address is the lease's gets dhcp4 and
        // Scaleway's on-link route to the metadata address.
        expect(result?.networkConfig, context).toEqual({ version: 2, ethernets: { [NIC]: { dhcp4: true, routes: [{ 'on-link': true, to: '169.254.42.42/32', via: '62.210.0.1' }] } } });
      }
      expect(requests.filter((r) => r.status >= 400), context).toEqual([]);
      const expected = ['GET /conf?format=json 200', 'GET /user_data/cloud-init 200', 'GET /vendor_data/cloud-init 200'];
      // 25.x first probes the base URL (and [fd00:42::42], which this namespace cannot reach).
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`), context).toEqual(version === '22.4.2' ? expected : ['GET / 200', ...expected]);
    });

    it('a non-privileged source port gets 403 for user and vendor data; a privileged one (root, as cloud-init) gets the bytes', async () => {
      const { ns, server, instance } = get();
      const curl = async (path: string, localPort?: number) => {
        const r = await ns.runStatus('curl', ['-s', '-w', '\n%{http_code}', ...(localPort === undefined ? [] : ['--local-port', String(localPort)]), `${SCALEWAY_METADATA}${path}`]);
        const lines = r.stdout.split('\n');
        return { status: lines.pop(), body: lines.join('\n') };
      };
      const mark = await server.mark();
      for (const path of ['/user_data/cloud-init', '/user_data?format=json', '/vendor_data/cloud-init']) {
        const refused = await curl(path, 40000 + Math.floor(Math.random() * 20000));
        expect(refused.status, path).toBe('403');
        expect(refused.body, path).toContain('MC_ERR_SCALEWAY_PORT');
      }
      expect(await curl('/user_data/cloud-init', 999)).toEqual({ status: '200', body: instance.userData });
      expect(await curl('/user_data?format=json', 998)).toEqual({ status: '200', body: JSON.stringify({ user_data: ['cloud-init'] }) });
      // /conf needs no privileged port.
      expect((await curl('/conf?format=json')).status).toBe('200');
      const logged = await server.requestsAfter(mark);
      expect(logged.map((r) => r.status)).toEqual([403, 403, 403, 200, 200, 200]);
    });
  });
}
