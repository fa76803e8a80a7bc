import { join } from 'node:path';
import { expect, it } from 'vitest';
import { azureGuestUuid } from '../../../src/clouds/azure/azure-identity.js';
import { WIRESERVER_ADDRESS } from '../../../src/clouds/azure/index.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON, type CloudInitResult } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, GATEWAY_ADDRESS, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf, type CloudWorld } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceAzure (22.4.2 and 25.3) against `minicloud metadata serve` playing Azure, on
// the DMI minicloud gives an Azure guest (the chassis asset tag; the SMBIOS uuid is the vmId byte-swapped).
// The datasource runs only in init-local, behind its own ephemeral DHCP (the driver stands in for the
// lease, with minicloud's option-121 routes), reads IMDS, and reports ready to the wireserver at
// 168.63.129.16, which the world DNATs to the server as the bridge does. No provisioning CD: the device
// searches see none (test/helpers/cloud-init-datasource.py), as a minicloud guest has none.
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

/** minicloud's option-121 routes: the metadata address, each extra endpoint, then the default route. */
const LEASE_ROUTES: [string, string][] = [
  [`${METADATA_ADDRESS}/32`, GATEWAY_ADDRESS],
  [`${WIRESERVER_ADDRESS}/32`, GATEWAY_ADDRESS],
  ['0.0.0.0/0', GATEWAY_ADDRESS],
];

/** The datasource's settings: its data directory (where it writes ovf-env.xml) in the scratch, not the host's /var/lib/waagent. */
const config = (world: CloudWorld, tag: string) => ({ data_dir: join(world.scratch, `waagent-${tag}`) });

function expectTheInstance(result: CloudInitResult | null, world: CloudWorld, context: string): void {
  const { instance } = world;
  expect(result?.ok, context).toBe(true);
  expect(result, context).toMatchObject({
    dsname: 'Azure',
    // cloud-init's instance-id is the SMBIOS uuid (lower case), as on Azure.
    instanceId: azureGuestUuid(instance.uuid),
    hostname: instance.hostname,
    localHostname: instance.hostname,
    publicKeys: instance.publicKeys,
  });
  expect(userDataOf(result), context).toBe(instance.userData);
  // The NIC with the guest's real MAC, renamed eth0, DHCP (no driver match: no such NIC in the namespace).
  expect(result?.networkConfig, context).toEqual({
    version: 2,
    ethernets: { eth0: { dhcp4: true, 'dhcp4-overrides': { 'route-metric': 100 }, dhcp6: false, match: { macaddress: instance.mac }, 'set-name': 'eth0' } },
  });
  const imds = (result?.metadata as { imds?: { compute?: Record<string, unknown> } } | undefined)?.imds;
  expect(imds?.compute?.['vmId'], context).toBe(instance.uuid);
  // The admin user IMDS names becomes cloud-init's default user (the instance's adminUsername meta).
  expect(result?.configObj, context).toMatchObject({ system_info: { default_user: { name: 'minicloud' } } });
}

for (const version of CLOUD_INIT_VERSIONS) {
  const tag = version.replace(/\D/g, '');
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceAzure against minicloud playing Azure`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mcaz${tag}`, cloudTestInstance('azure', { extra: { meta: { adminUsername: 'minicloud' } } }));

    it('reads the instance-id, hostname, keys, user-data byte for byte and the network config from IMDS, then reports ready to the wireserver, with no 4xx', async () => {
      const world = get();
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Azure', config: config(world, 'a'), leaseRoutes: LEASE_ROUTES });
      expectTheInstance(result, world, context);
      expect(result?.subplatform, context).toBe('imds (IMDS)');
      // One IMDS read, then the goal state and the ready report (recorded in the request log): what ends
      // provisioning on Azure.
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`), context).toEqual([
        'GET /metadata/instance?api-version=2021-08-01&extended=true 200',
        'GET /machine/?comp=goalstate 200',
        'POST /machine?comp=health 200',
      ]);
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceAzure falls back to IMDS 2019-06-01 on a 400`, () => {
    const client = useCloudInitClient(version);
    // Azure answers 400 for an api-version it does not serve; one such answer makes cloud-init ask 2019-06-01.
    const get = useCloudWorld(`mcazf${tag}`, cloudTestInstance('azure', { extra: { meta: { adminUsername: 'minicloud' } } }), {
      faults: [{ path: '/metadata/instance', method: 'GET', status: 400, times: 1 }],
    });

    it('reads the same instance through api-version 2019-06-01 and still reports ready', async () => {
      const world = get();
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Azure', config: config(world, 'b'), leaseRoutes: LEASE_ROUTES });
      expectTheInstance(result, world, context);
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`), context).toEqual([
        'GET /metadata/instance?api-version=2021-08-01&extended=true 400',
        'GET /metadata/instance?api-version=2019-06-01 200',
        'GET /machine/?comp=goalstate 200',
        'POST /machine?comp=health 200',
      ]);
    });
  });
}
