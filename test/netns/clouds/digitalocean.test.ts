import { expect, it } from 'vitest';
import { dropletId } from '../../../src/clouds/digitalocean/digitalocean-identity.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, GATEWAY_ADDRESS, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceDigitalOcean (22.4.2 and 25.3; init-local only; 25.3 logs it as deprecated)
// against `minicloud metadata serve` playing DigitalOcean, with its own platform check on the DMI
// minicloud gives a droplet (vendor DigitalOcean, serial = droplet id). Its link-local phase (a random
// 169.254.x.y/16 on the lowest-ifindex physical NIC) is off here (`use_ip4LL: false`, the datasource's own
// setting): the namespace has no physical NIC (a veth has no /sys/class/net/*/device) and already reaches
// 169.254.169.254; the vm tier boots a droplet through that phase on minicloud's bridge.
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };
const VENDOR_DATA = '#cloud-config\n# vendor: byte for byte\tyes \nbootcmd:\n  - echo "vëndör"\n';
const CONFIG = { use_ip4LL: false };

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceDigitalOcean against minicloud's DigitalOcean`, () => {
    const client = useCloudInitClient(version);
    const instance = cloudTestInstance('digitalocean', { extra: { vendorData: { 'cloud-init': VENDOR_DATA }, region: 'nyc3' } });
    const world = useCloudWorld(`mcdo${version.replace(/\D/g, '')}`, instance);

    it('refuses the network config while no NIC of the guest has the listed MAC (so the MAC must be the real one)', async () => {
      const out = await runCloudInitIn(world(), client(), { datasource: 'DigitalOcean', config: CONFIG });
      expect(out.result?.ok, out.context).toBe(true);
      expect(JSON.stringify(out.result?.networkConfig), out.context).toContain(`Did not find network interface on system with mac '${instance.mac}'`);
    });

    it('reads droplet_id (the SMBIOS serial), hostname, keys, user- and vendor-data byte for byte, and writes a static config for the real MAC', async () => {
      // The guest's NIC: the instance's MAC on a link of the namespace (a veth: this kernel has no dummy links).
      await world().ns.run('ip', ['link', 'add', 'eth0', 'address', instance.mac, 'type', 'veth', 'peer', 'name', 'dopeer0']);
      for (const link of ['eth0', 'dopeer0']) await world().ns.run('ip', ['link', 'set', link, 'up']);
      const out = await runCloudInitIn(world(), client(), { datasource: 'DigitalOcean', config: CONFIG });
      expect(out.result?.ok, out.context).toBe(true);
      expect(out.result, out.context).toMatchObject({
        dsname: 'DigitalOcean',
        instanceId: String(dropletId(instance.id)),
        hostname: instance.hostname,
        localHostname: instance.hostname,
        publicKeys: instance.publicKeys,
        metadata: { availability_zone: 'nyc3' },
      });
      expect(userDataOf(out.result), out.context).toBe(instance.userData);
      expect(Buffer.from(out.result?.vendorDataB64 ?? '', 'base64').toString('utf8'), out.context).toBe(VENDOR_DATA);
      // Static, from the document: the instance's address on its /24, the cloud's gateway and DNS server.
      expect(out.result?.networkConfig, out.context).toEqual({
        version: 1,
        config: [
          {
            type: 'physical',
            name: 'eth0',
            mac_address: instance.mac,
            subnets: [{ type: 'static', control: 'auto', address: METADATA_ADDRESS, gateway: GATEWAY_ADDRESS, netmask: '255.255.255.0' }],
          },
          { type: 'nameserver', address: [GATEWAY_ADDRESS] },
        ],
      });
      // One document, answered at once.
      expect(out.requests.map((r) => `${r.method} ${r.path} ${r.status}`), out.context).toEqual(['GET /metadata/v1.json 200']);
      if (version === '25.3') expect(out.context).toMatch(/DataSourceDigitalOcean is deprecated/);
    });
  });
}
