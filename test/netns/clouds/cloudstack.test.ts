import { expect, it } from 'vitest';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, GATEWAY_ADDRESS, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf, type CloudWorld } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceCloudStack (22.4.2 and 25.3; the network-stage class) against `minicloud
// metadata serve` playing CloudStack, on the DMI minicloud gives a CloudStack guest (product CloudStack
// KVM Hypervisor). The metadata is not on 169.254.169.254 but on the virtual router, the guest's DHCP
// server: the world's gateway address, whose ports 80 and 8080 it DNATs to the server as minicloud's
// bridge DNATs its own. cloud-init finds the router by the name data-server first (the world's hosts file
// standing in for the cloud's dnsmasq), else by the server address of the DHCP lease; the password comes
// from port 8080 through wget, told apart by its DomU_Request header.
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'wget', 'iptables', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
const PASSWORD_URL = `http://${GATEWAY_ADDRESS}:8080/`;

/** A systemd-networkd lease from the cloud's dnsmasq, as networkd writes it: SERVER_ADDRESS is option 54, the bridge address. */
const NETWORKD_LEASE = ['# This is private data. Do not parse.', `ADDRESS=${METADATA_ADDRESS}`, 'NETMASK=255.255.255.0', `ROUTER=${GATEWAY_ADDRESS}`, `SERVER_ADDRESS=${GATEWAY_ADDRESS}`, `DNS=${GATEWAY_ADDRESS}`, 'LIFETIME=3600', ''].join('\n');

/** Asks the password server, as the guest would, without acking: what it would hand out now. */
async function sendMyPassword(world: CloudWorld): Promise<string> {
  return (await world.ns.run('curl', ['-fsS', '--max-time', '5', '-H', 'DomU_Request: send_my_password', PASSWORD_URL])).stdout;
}

for (const version of CLOUD_INIT_VERSIONS) {
  const tag = version.replace(/\D/g, '');
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceCloudStack against minicloud playing CloudStack (router found by data-server)`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mccs${tag}`, cloudTestInstance('cloudstack', { extra: { availabilityZone: 'zone1' } }));

    it('reads instance-id, hostname, keys and user-data byte for byte from the router, takes and acks the password on 8080, with no 4xx', async () => {
      const world = get();
      const { instance } = world;
      const password = await sendMyPassword(world);
      expect(password).toMatch(/^[A-Za-z0-9]{16}$/);

      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'CloudStack' });
      expect(result?.ok, context).toBe(true);
      // The router it found (the world has no default route and no lease here: only data-server names it).
      expect(result?.subplatform, context).toBe(`metadata (http://${GATEWAY_ADDRESS}/)`);
      expect(result, context).toMatchObject({
        dsname: 'CloudStack',
        instanceId: instance.uuid,
        hostname: instance.hostname,
        localHostname: instance.hostname,
        publicKeys: instance.publicKeys,
      });
      expect(userDataOf(result), context).toBe(instance.userData);
      // CloudStack gives no network config: cloud-init falls back to DHCP on the first NIC.
      expect(result?.networkConfig, context).toBeNull();
      expect(result?.configObj, context).toEqual({ ssh_pwauth: true, password, chpasswd: { expire: false } });
      expect(result?.metadata, context).toMatchObject({ 'instance-id': instance.uuid, 'availability-zone': 'zone1', 'local-ipv4': METADATA_ADDRESS });

      // Every request answered 200, in cloud-init's order: the wait, user-data, the crawl, then the
      // password server (send_my_password, then saved_password: both wget's GET / on 8080).
      expect(requests.filter((r) => r.status >= 400), context).toEqual([]);
      const paths = requests.map((r) => `${r.method} ${r.path} ${r.status}`);
      expect(paths.slice(0, 3), context).toEqual(['GET /latest/meta-data/instance-id 200', 'GET /latest/user-data 200', 'GET /latest/meta-data/ 200']);
      expect(paths.slice(-2), context).toEqual(['GET / 200', 'GET / 200']);
      expect(new Set(requests.map((r) => `${r.sourceIp} ${r.instanceId}`)), context).toEqual(new Set([`${METADATA_ADDRESS} ${instance.id}`]));
      expect(await sendMyPassword(world)).toBe('saved_password');
    });

    it('on the next boot gets saved_password and sets no password', async () => {
      const world = get();
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'CloudStack' });
      expect(result?.ok, context).toBe(true);
      expect(userDataOf(result), context).toBe(world.instance.userData);
      expect(result?.configObj, context).toEqual({});
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`).slice(-1), context).toEqual(['GET / 200']);
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceCloudStack finds the router by its DHCP lease when data-server does not resolve`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mccl${tag}`, cloudTestInstance('cloudstack'), { gatewayNames: false });

    it('takes SERVER_ADDRESS of the networkd lease (the DHCP server) as the router and reads everything from it', async () => {
      const world = get();
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'CloudStack', networkdLease: NETWORKD_LEASE });
      expect(result?.ok, context).toBe(true);
      // data-server does not resolve and the namespace has no default route: only the lease names the router.
      expect(result?.subplatform, context).toBe(`metadata (http://${GATEWAY_ADDRESS}/)`);
      expect(result?.instanceId, context).toBe(world.instance.uuid);
      expect(userDataOf(result), context).toBe(world.instance.userData);
      expect(requests.filter((r) => r.status >= 400), context).toEqual([]);
    });
  });
}
