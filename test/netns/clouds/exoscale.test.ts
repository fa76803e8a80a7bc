import { expect, it } from 'vitest';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf, type CloudWorld } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceExoscale (22.4.2 and 25.3; one class, registered for the network stage
// only: no ephemeral DHCP) against `minicloud metadata serve` playing Exoscale, on the DMI minicloud gives
// an Exoscale guest (product Exoscale Compute Platform). It reads the EC2-style tree under /1.0/ on port
// 80 and asks the password server on 169.254.169.254:8080, which the world DNATs to the same server as
// minicloud's bridge does; the server tells the two apart by the DomU_Request header.
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'iptables', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
const PASSWORD_URL = `http://${METADATA_ADDRESS}:8080/1.0/`;

/** Asks the password server, as the guest would, without acking: what it would hand out now. */
async function sendMyPassword(world: CloudWorld): Promise<string> {
  return (await world.ns.run('curl', ['-fsS', '--max-time', '5', '-H', 'DomU_Request: send_my_password', PASSWORD_URL])).stdout;
}

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceExoscale against minicloud playing Exoscale`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mcexo${version.replace(/\D/g, '')}`, cloudTestInstance('exoscale'));

    it('reads the instance-id (uuid), hostname, keys and user-data byte for byte, and takes and acks the password from port 8080, with no 4xx', async () => {
      const world = get();
      const { instance } = world;
      const password = await sendMyPassword(world);
      expect(password).toMatch(/^[A-Za-z0-9]{16}$/);

      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Exoscale' });
      expect(result?.ok, context).toBe(true);
      expect(result, context).toMatchObject({
        dsname: 'Exoscale',
        instanceId: instance.uuid,
        hostname: instance.hostname,
        localHostname: instance.hostname,
        publicKeys: instance.publicKeys,
      });
      expect(userDataOf(result), context).toBe(instance.userData);
      // Exoscale gives no network config: cloud-init falls back to DHCP on the first NIC.
      expect(result?.networkConfig, context).toBeNull();
      // The password, as cloud-init hands it to set_passwords for the default user.
      expect(result?.configObj, context).toEqual({ ssh_pwauth: true, password, chpasswd: { expire: false } });
      expect(result?.metadata, context).toMatchObject({ 'instance-id': instance.uuid, 'vm-id': instance.uuid, 'local-ipv4': METADATA_ADDRESS, 'public-keys': instance.publicKeys });

      // Every request answered 200, in cloud-init's order: wait for the service, user-data, the meta-data
      // crawl, then the password server (send_my_password, then saved_password: both GET /1.0/ on 8080).
      expect(requests.filter((r) => r.status >= 400), context).toEqual([]);
      const paths = requests.map((r) => `${r.method} ${r.path} ${r.status}`);
      expect(paths.slice(0, 3), context).toEqual(['GET /1.0/meta-data/instance-id 200', 'GET /1.0/user-data 200', 'GET /1.0/meta-data/ 200']);
      expect(paths.slice(-2), context).toEqual(['GET /1.0/ 200', 'GET /1.0/ 200']);
      expect(new Set(requests.map((r) => `${r.sourceIp} ${r.instanceId}`)), context).toEqual(new Set([`${METADATA_ADDRESS} ${instance.id}`]));
      // cloud-init acked it: the server now answers saved_password.
      expect(await sendMyPassword(world)).toBe('saved_password');
    });

    it('on the next boot gets saved_password and sets no password (the crawl and user-data unchanged)', async () => {
      const world = get();
      expect(await sendMyPassword(world)).toBe('saved_password');
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Exoscale' });
      expect(result?.ok, context).toBe(true);
      expect(result?.instanceId, context).toBe(world.instance.uuid);
      expect(userDataOf(result), context).toBe(world.instance.userData);
      expect(result?.configObj, context).toEqual({});
      // send_my_password answered saved_password, so no ack follows.
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`).slice(-2), context).toEqual(['GET /1.0/meta-data/cloud-identifier 200', 'GET /1.0/ 200']);
    });
  });
}
