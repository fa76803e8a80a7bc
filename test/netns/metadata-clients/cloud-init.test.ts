import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { DEBIAN_PYTHON, ensureCloudInit, runCloudInitDatasource, type CloudInitMode } from '../../helpers/cloud-init-client.js';
import { describeRequests } from '../../helpers/metadata-serve-process.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { METADATA_ADDRESS, useClientWorld, type ClientWorld } from './client-world.js';
import { CLIENT_FIXTURES, type FixtureInstance } from './fixture-instance.js';

// Debian 12's cloud-init 22.4.2, unpacked (never installed), runs its own DataSourceOpenStack and
// DataSourceEc2 against `minicloud metadata serve` on 169.254.169.254:80, and must come back with
// exactly the fixture's instance, having seen no 4xx on the way.
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'apt-get', 'dpkg-deb', DEBIAN_PYTHON] };

async function expectDatasourceReadsFixture(
  world: ClientWorld,
  cloudInitRoot: string,
  mode: CloudInitMode,
  instance: FixtureInstance,
): Promise<void> {
  const mark = await world.server.mark();
  const run = await runCloudInitDatasource(world.ns, cloudInitRoot, mode, mkdtempSync(join(world.scratch, `${mode}-`)));
  const requests = await world.server.requestsAfter(mark);
  const context = `cloud-init ${mode} (exit ${run.code})\n--- requests ---\n${describeRequests(requests)}\n--- cloud-init log (tail) ---\n${run.log.slice(-6000)}`;

  expect(run.result?.ok, context).toBe(true);
  expect(run.result).toMatchObject({
    instanceId: mode === 'openstack' ? instance.uuid : instance.id,
    // cloud-init's get_hostname() returns the short name; the metadata carries the full one.
    hostname: instance.hostname.split('.')[0],
    localHostname: instance.hostname,
    publicKeys: instance.publicKeys,
    userDataB64: instance.userData === null ? null : Buffer.from(instance.userData).toString('base64'),
  });
  expect(requests.length, context).toBeGreaterThan(0);
  expect(requests.filter((r) => r.status >= 400 && r.status < 500), context).toEqual([]);
  // The instance is identified by the TCP source address, which is the metadata address itself here.
  expect(new Set(requests.map((r) => `${r.sourceIp} ${r.instanceId}`)), context).toEqual(
    new Set([`${METADATA_ADDRESS} ${instance.id}`]),
  );
}

describeWhen(REQUIREMENTS, 'cloud-init 22.4.2 datasources, IMDSv1 allowed (a non-AWS guest)', () => {
  let cloudInitRoot = '';
  beforeAll(async () => {
    cloudInitRoot = await ensureCloudInit();
  });
  const get = useClientWorld('mcci', CLIENT_FIXTURES.imdsv1Allowed);

  it('DataSourceOpenStack reads instance-id (uuid), hostname, keys and user-data with no 4xx', async () => {
    const { world, instance } = get();
    await expectDatasourceReadsFixture(world, cloudInitRoot, 'openstack', instance);
  });

  it('DataSourceEc2 on an unknown platform (IMDSv1, no token) reads the same instance with no 4xx', async () => {
    const { world, instance } = get();
    await expectDatasourceReadsFixture(world, cloudInitRoot, 'ec2', instance);
  });
});

describeWhen(REQUIREMENTS, 'cloud-init 22.4.2 DataSourceEc2 on an AWS-identified guest, IMDSv2 required', () => {
  let cloudInitRoot = '';
  beforeAll(async () => {
    cloudInitRoot = await ensureCloudInit();
  });
  const get = useClientWorld('mcci2', CLIENT_FIXTURES.imdsv2Required);

  it('takes a token with PUT /latest/api/token and sends it on every read', async () => {
    const { world, instance } = get();
    const mark = await world.server.mark();
    await expectDatasourceReadsFixture(world, cloudInitRoot, 'ec2-aws', instance);
    const requests = await world.server.requestsAfter(mark);
    expect(requests[0], describeRequests(requests)).toMatchObject({ method: 'PUT', path: '/latest/api/token', status: 200 });
    expect(requests.filter((r) => r.method === 'GET' && !r.tokenUsed), describeRequests(requests)).toEqual([]);
  });
});
