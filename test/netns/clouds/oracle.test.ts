import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON, runCloudInitDatasource, type CloudInitClient, type CloudInitResult } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf, type CloudWorld } from '../../helpers/cloud-world.js';
import { writeGuestDmi } from '../../helpers/guest-dmi.js';
import { describeRequests } from '../../helpers/metadata-serve-process.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceOracle against `minicloud metadata serve` playing OCI, on the DMI minicloud
// gives an OCI guest (chassis asset tag OracleCloud.com). 22.4.2 has one class, DataSourceOracle
// (registered for init-local only: it brings up its own DHCP unless the metadata URL already answers,
// as it does here); 25.3 has the network-stage DataSourceOracleNet, which is what runs here.
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
const ROOT = resolve(import.meta.dirname, '../../..');
const DRIVER = join(ROOT, 'test/helpers/cloud-init-datasource.py');
/**
 * The guest's NIC, with the instance's MAC as the guest's virtio NIC has it: one end of a veth pair (this
 * kernel has no dummy links); the other end's name starts with `veth`, which cloud-init never takes for a NIC.
 */
const NIC = 'ens3';

const classFor = (client: CloudInitClient) => (client.version === '22.4.2' ? 'DataSourceOracle' : 'DataSourceOracleNet');

/** The instance document as the server gives it (what cloud-init must read back). */
async function servedInstance(world: CloudWorld): Promise<Record<string, unknown>> {
  const r = await world.ns.run('curl', ['-fsS', '-H', 'Authorization: Bearer Oracle', `http://${METADATA_ADDRESS}/opc/v2/instance/`]);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function expectTheInstance(result: CloudInitResult | null, world: CloudWorld, doc: Record<string, unknown>, context: string): void {
  const { instance } = world;
  expect(result?.ok, context).toBe(true);
  expect(doc['id']).toMatch(/^ocid1\.instance\.oc1\.[a-z]{3}\.an[a-z2-7]{58}$/);
  expect(result, context).toMatchObject({
    dsname: 'Oracle',
    instanceId: doc['id'],
    hostname: instance.hostname.split('.')[0],
    localHostname: instance.hostname,
    publicKeys: instance.publicKeys,
  });
  expect(userDataOf(result), context).toBe(instance.userData);
  // The primary VNIC, found by the guest's real MAC (OCI prints it upper-case), with OCI's jumbo MTU.
  expect(result?.networkConfig, context).toEqual({
    version: 1,
    config: [{ name: NIC, type: 'physical', mac_address: instance.mac, mtu: 9000, subnets: [{ type: 'dhcp' }] }],
  });
}

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceOracle against minicloud playing OCI`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mcoci${version.replace(/\D/g, '')}`, cloudTestInstance('oracle'));
    beforeAll(async () => {
      const { ns, instance } = get();
      await ns.run('ip', ['link', 'add', NIC, 'address', instance.mac, 'type', 'veth', 'peer', 'name', 'vethmc0']);
      await ns.run('ip', ['link', 'set', NIC, 'up']);
      await ns.run('ip', ['link', 'set', 'vethmc0', 'up']);
    });

    it('reads the OCID, hostname, keys and user-data byte for byte, and the VNIC as network config, through v2 with no 4xx', async () => {
      const world = get();
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Oracle', className: classFor(client()) });
      expectTheInstance(result, world, await servedInstance(world), context);
      // v2 only (every answer 200: the Authorization header was there); 22.4.2's first GET is its
      // ephemeral network's connectivity check. The fallback to /opc/v1 was never needed.
      const paths = requests.map((r) => `${r.method} ${r.path} ${r.status}`);
      const expected = ['GET /opc/v2/instance/ 200', 'GET /opc/v2/vnics/ 200'];
      expect(paths, context).toEqual(version === '22.4.2' ? ['GET /opc/v2/instance/ 200', ...expected] : expected);
      expect(result?.subplatform, context).toBe('metadata (http://169.254.169.254/opc/v2/)');
    });

    if (version === '25.3') {
      it('tries OCI\'s IPv6 address fd00:c1::a9fe:a9fe first; with no IPv6 route it fails at once, not after the 5 s timeout', async () => {
        const world = get();
        const c = client();
        // The whole log (runCloudInitIn keeps only its tail): the IPv6 attempt comes first.
        const workdir = mkdtempSync(join(world.scratch, `${c.version}-ipv6-`));
        const identity = cloudNamed('oracle').identity({ instanceId: world.instance.id, instanceUuid: world.instance.uuid });
        const run = await runCloudInitDatasource(world.ns, c, { datasource: 'Oracle', className: classFor(c), identity }, workdir);
        const log = run.log;
        const context = log.slice(0, 12_000);
        expect(run.result?.ok, context).toBe(true);
        const at = (re: RegExp): number => {
          const line = log.split('\n').find((l) => re.test(l));
          const stamp = line?.match(/^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3})/);
          expect(stamp, `${re} in\n${context}`).not.toBeNull();
          return Date.parse(`${stamp?.[1]?.replace(' ', 'T')}.${stamp?.[2]}Z`);
        };
        expect(log, context).toMatch(/fd00:c1::a9fe:a9fe.*(unreachable|Errno)/i);
        const elapsed = at(/Successfully fetched instance metadata from IMDS at: http:\/\/169\.254\.169\.254\/opc\/v2\/instance\//) - at(/Attempting to fetch IMDS metadata from/);
        const failure = log.split('\n').find((l) => /fd00:c1::a9fe:a9fe.*(unreachable|Errno)/i.test(l)) ?? '';
        process.stdout.write(`cloud-init 25.3 Oracle: IPv6 attempt, then v2 over IPv4: ${elapsed} ms (${failure.slice(0, 240)})\n`);
        expect(elapsed, context).toBeLessThan(2_000);
      });
    }

    it('falls back to /opc/v1/ (no header) when OCI refuses v2, and reads the same instance', async () => {
      // cloud-init sends exactly "Bearer Oracle"; here its V2_HEADERS constant is changed so that the server
      // refuses v2 with OCI's 401, the one thing that makes the real fallback code run.
      const world = get();
      const c = client();
      const mark = await world.server.mark();
      const workdir = mkdtempSync(join(world.scratch, `${c.version}-fallback-`));
      writeGuestDmi(join(workdir, 'dmi'), cloudNamed('oracle').identity({ instanceId: world.instance.id, instanceUuid: world.instance.uuid }));
      const wrapper = [
        'import contextlib, runpy, sys',
        'from cloudinit.net import ephemeral',
        'from cloudinit.sources import DataSourceOracle as oracle',
        // Already on the network (the driver does the same for the names it can see).
        'class OnNetwork(contextlib.nullcontext):',
        '    def __init__(self, *args, **kwargs): super().__init__()',
        'ephemeral.EphemeralDHCPv4 = OnNetwork',
        'ephemeral.EphemeralIPNetwork = OnNetwork',
        'oracle.V2_HEADERS = {"Authorization": "Bearer NotOracle"}',
        'sys.argv = sys.argv[1:]',
        'runpy.run_path(sys.argv[0], run_name="__main__")',
      ].join('\n');
      const args = [DRIVER, '--datasource', 'Oracle', '--class', classFor(c), '--dmi', join(workdir, 'dmi'), '--workdir', workdir];
      const r = await world.ns.runStatus('env', ['-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `HOME=${workdir}`, `PYTHONPATH=${c.pythonPath}`, DEBIAN_PYTHON, '-c', wrapper, ...args], { timeoutMs: 150_000 });
      const requests = await world.server.requestsAfter(mark);
      const context = `exit ${r.code}\n--- requests ---\n${describeRequests(requests)}\n--- log ---\n${r.stderr.slice(-8000)}`;
      const last = r.stdout.trim().split('\n').pop() ?? '';
      const result = last.startsWith('{') ? (JSON.parse(last) as CloudInitResult) : null;
      expectTheInstance(result, world, await servedInstance(world), context);
      expect(result?.subplatform, context).toBe('metadata (http://169.254.169.254/opc/v1/)');
      const paths = requests.map((q) => `${q.path} ${q.status}`);
      expect(paths, context).toContain('/opc/v2/instance/ 401');
      expect(paths.slice(-2), context).toEqual(['/opc/v1/instance/ 200', '/opc/v1/vnics/ 200']);
    });
  });
}
