import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import type { SmbiosIdentity } from '../../../src/ports/hypervisor.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON, runCloudInitDatasource, type CloudInitClient } from '../../helpers/cloud-init-client.js';
import { describeRequests } from '../../helpers/metadata-serve-process.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { METADATA_ADDRESS, useClientWorld, type ClientWorld } from './client-world.js';
import { CLIENT_FIXTURES, type FixtureInstance } from './fixture-instance.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// The real DataSourceOpenStack and DataSourceEc2 of cloud-init 22.4.2 (Debian 12's package, unpacked,
// never installed) and 25.3 run against `minicloud metadata serve` on 169.254.169.254:80 and must come
// back with exactly the fixture's instance, having seen no 4xx on the way. Their platform checks read
// the DMI a minicloud guest of that datasource sees (test/helpers/guest-dmi.ts).
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

/** Which guest: OpenStack (Nova DMI), Ec2 on a plain KVM guest (IMDSv1, no token), Ec2 on AWS (minicloud's ec2 DMI). */
type Mode = 'openstack' | 'ec2-unknown' | 'ec2-aws';

function runFor(mode: Mode, instance: FixtureInstance): { datasource: string; identity: SmbiosIdentity; config: Record<string, unknown> } {
  const ids = { instanceId: instance.id, instanceUuid: instance.uuid };
  if (mode === 'openstack') return { datasource: 'OpenStack', identity: cloudNamed('openstack').identity(ids), config: { timeout: 5 } };
  return {
    datasource: 'Ec2',
    identity: mode === 'ec2-aws' ? cloudNamed('ec2').identity(ids) : { system: { uuid: instance.uuid } },
    config: {
      // The default list adds [fd00:ec2::254] and instance-data.:8773; neither exists in the test
      // namespace. Pin the one address the test serves.
      metadata_urls: [`http://${METADATA_ADDRESS}`],
      strict_id: false,
      // 120 s by default: enough to spin on 401s for two minutes. Fail fast instead.
      max_wait: 20,
      timeout: 5,
    },
  };
}

async function expectDatasourceReadsFixture(world: ClientWorld, client: CloudInitClient, mode: Mode, instance: FixtureInstance): Promise<void> {
  const mark = await world.server.mark();
  const run = await runCloudInitDatasource(world.ns, client, runFor(mode, instance), mkdtempSync(join(world.scratch, `${client.version}-${mode}-`)));
  const requests = await world.server.requestsAfter(mark);
  const context = `cloud-init ${client.version} ${mode} (exit ${run.code})\n--- requests ---\n${describeRequests(requests)}\n--- cloud-init log (tail) ---\n${run.log.slice(-6000)}`;

  expect(run.result?.ok, context).toBe(true);
  expect(run.result).toMatchObject({
    instanceId: mode === 'openstack' ? instance.uuid : instance.id,
    // cloud-init's get_hostname() returns the short name; the metadata carries the full one.
    hostname: instance.hostname.split('.')[0],
    localHostname: instance.hostname,
    publicKeys: instance.publicKeys,
    userDataB64: instance.userData === null ? null : Buffer.from(instance.userData).toString('base64'),
  });
  if (mode === 'ec2-aws') expect(run.result?.platform, context).toBe('ec2');
  expect(requests.length, context).toBeGreaterThan(0);
  expect(requests.filter((r) => r.status >= 400 && r.status < 500), context).toEqual([]);
  // The instance is identified by the TCP source address, which is the metadata address itself here.
  expect(new Set(requests.map((r) => `${r.sourceIp} ${r.instanceId}`)), context).toEqual(new Set([`${METADATA_ADDRESS} ${instance.id}`]));
}

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} datasources, IMDSv1 allowed (a non-AWS guest)`, () => {
    const client = useCloudInitClient(version);
    const get = useClientWorld(`mcci${version.replace(/\D/g, '')}`, CLIENT_FIXTURES.imdsv1Allowed);

    it('DataSourceOpenStack on Nova DMI reads instance-id (uuid), hostname, keys and user-data with no 4xx', async () => {
      const { world, instance } = get();
      await expectDatasourceReadsFixture(world, client(), 'openstack', instance);
    });

    it('DataSourceEc2 on a plain KVM guest (IMDSv1, no token) reads the same instance with no 4xx', async () => {
      const { world, instance } = get();
      await expectDatasourceReadsFixture(world, client(), 'ec2-unknown', instance);
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceEc2 on minicloud's AWS identity, IMDSv2 required`, () => {
    const client = useCloudInitClient(version);
    const get = useClientWorld(`mcca${version.replace(/\D/g, '')}`, CLIENT_FIXTURES.imdsv2Required);

    it('takes a token with PUT /latest/api/token and sends it on every read', async () => {
      const { world, instance } = get();
      const mark = await world.server.mark();
      await expectDatasourceReadsFixture(world, client(), 'ec2-aws', instance);
      const requests = await world.server.requestsAfter(mark);
      expect(requests[0], describeRequests(requests)).toMatchObject({ method: 'PUT', path: '/latest/api/token', status: 200 });
      expect(requests.filter((r) => r.method === 'GET' && !r.tokenUsed), describeRequests(requests)).toEqual([]);
    });
  });
}
