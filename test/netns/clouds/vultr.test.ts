import { beforeAll, expect, it } from 'vitest';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceVultr (one class in both versions, registered for init-local: it brings up
// an ephemeral DHCP lease on each candidate NIC unless http://169.254.169.254 already answers, as it does
// here) against `minicloud metadata serve` playing Vultr, on the DMI minicloud gives a Vultr guest.
const REQUIREMENTS = { root: true, commands: ['ip', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
/**
 * The guest's NIC, with the instance's MAC: one end of a veth pair (this kernel has no dummy links); the
 * other end's name starts with `veth`, which cloud-init never takes for a candidate NIC.
 */
const NIC = 'ens3';
/** What cloud-init 22.4.2's check_route looks for: the route option 121 installs with the DHCP lease. */
const METADATA_ROUTE = [`${METADATA_ADDRESS}/32`, 'dev', NIC];

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceVultr against minicloud playing Vultr`, () => {
    const client = useCloudInitClient(version);
    const get = useCloudWorld(`mcvultr${version.replace(/\D/g, '')}`, cloudTestInstance('vultr'));
    beforeAll(async () => {
      const { ns, instance } = get();
      await ns.run('ip', ['link', 'add', NIC, 'address', instance.mac, 'type', 'veth', 'peer', 'name', 'vethmc0']);
      await ns.run('ip', ['link', 'set', NIC, 'up']);
      await ns.run('ip', ['link', 'set', 'vethmc0', 'up']);
      // The guest's lease installs this (minicloud's dnsmasq sends option 121 with 169.254.169.254/32);
      // the local table still delivers 169.254.169.254 to lo, where the server listens.
      await ns.run('ip', ['route', 'add', ...METADATA_ROUTE]);
    });

    it('reads instance-v2-id, hostname, keys and user-data byte for byte, and the interface as network config, with no 4xx', async () => {
      const world = get();
      const { instance } = world;
      const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Vultr' });
      expect(result?.ok, context).toBe(true);
      expect(result, context).toMatchObject({
        dsname: 'Vultr',
        instanceId: instance.uuid,
        hostname: instance.hostname.split('.')[0],
        localHostname: instance.hostname,
        publicKeys: instance.publicKeys,
      });
      expect(userDataOf(result), context).toBe(instance.userData);
      // Vultr's network config: its public resolver, then the primary NIC found by the guest's real MAC.
      expect(result?.networkConfig, context).toEqual({
        version: 1,
        config: [
          { type: 'nameserver', address: ['108.61.10.10', '2001:19f0:300:1704::6'] },
          { name: NIC, type: 'physical', mac_address: instance.mac, 'accept-ra': 1, subnets: [{ type: 'dhcp', control: 'auto' }, { type: 'ipv6_slaac', control: 'auto' }] },
        ],
      });
      expect(requests.filter((r) => r.status >= 400), context).toEqual([]);
      // `/` is the ephemeral network's connectivity check (it answered, so no DHCP ran), then the document.
      expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`), context).toEqual(['GET / 200', 'GET /v1.json 200']);
      expect(requests[1]?.userAgent ?? '', context).toMatch(new RegExp(`^Cloud-Init/${version.replace(/\./g, '\\.')}`));
    });

    if (version === '22.4.2') {
      it('needs the DHCP route to 169.254.169.254: without it 22.4.2 skips every NIC and finds no Vultr', async () => {
        const world = get();
        await world.ns.run('ip', ['route', 'del', ...METADATA_ROUTE]);
        try {
          const { result, requests, context } = await runCloudInitIn(world, client(), { datasource: 'Vultr' });
          expect(result?.ok ?? false, context).toBe(false);
          expect(context).toMatch(/Failed to DHCP/);
          expect(requests.map((r) => r.path), context).not.toContain('/v1.json');
        } finally {
          await world.ns.run('ip', ['route', 'add', ...METADATA_ROUTE]);
        }
      });
    }
  });
}
