import { expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, runCloudInitIn, useCloudWorld, userDataOf } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceUpCloud (the network-stage class; DataSourceUpCloudLocal is the same code
// behind an ephemeral DHCP, which the vm tier boots) of 22.4.2 and 25.3 against `minicloud metadata serve`
// playing UpCloud, with its own platform checks on the DMI minicloud gives an UpCloud guest.
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

const VENDOR_DATA = '#cloud-config\n# vendor: byte for byte\tyes \nbootcmd:\n  - echo "vëndör"\n';

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceUpCloud against minicloud's UpCloud`, () => {
    const client = useCloudInitClient(version);
    const instance = cloudTestInstance('upcloud', { extra: { vendorData: { 'cloud-init': VENDOR_DATA }, region: 'fi-hel1' } });
    const world = useCloudWorld(`mcuc${version.replace(/\D/g, '')}`, instance);
    const serverUuid = cloudNamed('upcloud').identity({ instanceId: instance.id, instanceUuid: instance.uuid }).system.uuid;

    it('refuses the network config while no NIC of the guest has the listed MAC (so the MAC must be the real one)', async () => {
      const out = await runCloudInitIn(world(), client(), { datasource: 'UpCloud' });
      expect(out.result?.ok, out.context).toBe(true);
      expect(JSON.stringify(out.result?.networkConfig), out.context).toContain(`Did not find network interface on system with mac '${instance.mac}'`);
    });

    it('reads instance_id (the SMBIOS uuid), hostname, keys, user- and vendor-data byte for byte, and configures the NIC with that MAC', async () => {
      // The guest's NIC: the instance's MAC on a link of the namespace (a veth: this kernel has no dummy links).
      await world().ns.run('ip', ['link', 'add', 'eth0', 'address', instance.mac, 'type', 'veth', 'peer', 'name', 'ucpeer0']);
      for (const link of ['eth0', 'ucpeer0']) await world().ns.run('ip', ['link', 'set', link, 'up']);
      const out = await runCloudInitIn(world(), client(), { datasource: 'UpCloud' });
      expect(out.result?.ok, out.context).toBe(true);
      expect(out.result, out.context).toMatchObject({
        dsname: 'UpCloud',
        platform: 'upcloud',
        instanceId: serverUuid,
        hostname: instance.hostname,
        localHostname: instance.hostname,
        publicKeys: instance.publicKeys,
        metadata: { availability_zone: 'fi-hel1' },
      });
      expect(userDataOf(out.result), out.context).toBe(instance.userData);
      expect(Buffer.from(out.result?.vendorDataB64 ?? '', 'base64').toString('utf8'), out.context).toBe(VENDOR_DATA);
      expect(out.result?.networkConfig, out.context).toEqual({
        version: 1,
        config: [
          { type: 'physical', name: 'eth0', mac_address: instance.mac, subnets: [{ type: 'dhcp' }] },
          { type: 'nameserver', address: ['169.254.169.1'] },
        ],
      });
      // One document, answered at once; the real cloud answers it too.
      expect(out.requests.map((r) => `${r.method} ${r.path} ${r.status}`), out.context).toEqual(['GET /metadata/v1.json 200']);
    });
  });
}
