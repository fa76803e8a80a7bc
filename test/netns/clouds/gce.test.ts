import { expect, it } from 'vitest';
import { gceInstanceId } from '../../../src/clouds/gce/gce-ids.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, runCloudInitIn, useCloudWorld, userDataOf, type CloudWorld } from '../../helpers/cloud-world.js';
import { describeRequests } from '../../helpers/metadata-serve-process.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceGCE (the network-stage class; GCELocal differs only by its ephemeral DHCP)
// of 22.4.2 and 25.3 against `minicloud metadata serve` playing GCE, with its own platform check on the
// DMI minicloud gives a GCE guest. It resolves metadata.google.internal (the world's hosts file stands
// in for the cloud's dnsmasq, which the vm tier exercises) and sends `Metadata-Flavor: Google`.
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

const V1 = '/computeMetadata/v1';
/** What both versions ask for, in order; GCE answers every one (an unanswered optional one costs 5 s of retries). */
const REQUESTS = [
  `GET ${V1}/instance/id 200`,
  `GET ${V1}/instance/zone 200`,
  `GET ${V1}/instance/hostname 200`,
  `GET ${V1}/instance/attributes/?recursive=True 200`,
  `GET ${V1}/project/attributes/?recursive=True 200`,
];

/** GETs `path` from the metadata server as the guest, with the flavor header; the body. */
async function guestGet(world: CloudWorld, path: string): Promise<string> {
  const { stdout } = await world.ns.run('curl', ['-fsS', '--max-time', '5', '-H', 'Metadata-Flavor: Google', `http://metadata.google.internal${path}`]);
  return stdout;
}

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceGCE against minicloud's GCE`, () => {
    const client = useCloudInitClient(version);
    const instance = cloudTestInstance('gce');
    const world = useCloudWorld(`mcgce${version.replace(/\D/g, '')}`, instance);

    it('reads instance-id, zone, hostname, the cloudinit user\'s keys and user-data byte for byte, with no 4xx and no retry', async () => {
      const started = Date.now();
      const out = await runCloudInitIn(world(), client(), { datasource: 'GCE' });
      const tookMs = Date.now() - started;
      expect(out.result?.ok, out.context).toBe(true);
      expect(out.result, out.context).toMatchObject({
        dsname: 'GCE',
        platform: 'gce',
        instanceId: gceInstanceId(instance.id),
        // cloud-init shortens GCE's FQDN to its first label.
        hostname: instance.hostname,
        localHostname: expect.stringMatching(new RegExp(`^${instance.hostname}\\.us-east-1-a\\.c\\.minicloud-[0-9a-f]{6}\\.internal$`)),
        publicKeys: instance.publicKeys,
        metadata: expect.objectContaining({ 'availability-zone': 'us-east-1-a' }),
      });
      expect(userDataOf(out.result), out.context).toBe(instance.userData);
      // GCE gives no network config: cloud-init falls back to DHCP on the first NIC, as on GCE.
      expect(out.result?.networkConfig, out.context).toBeNull();
      expect(out.requests.map((r) => `${r.method} ${r.path} ${r.status}`), describeRequests(out.requests)).toEqual(REQUESTS);
      // Python's start-up and the five requests; one 404 alone would cost cloud-init 5 s of retries.
      expect(tookMs, out.context).toBeLessThan(5_000);
    });

    it('publishes the host keys as cloud-init does (PUT guest-attributes/hostkeys/<type>), and they read back', async () => {
      const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyPublishedByCloudInit root@gce-guest';
      const script = [
        'import logging, sys',
        'from cloudinit.sources import DataSourceGCE',
        // After the import: importing cloudinit.log (22.4.2) resets the root logger.
        'logging.basicConfig(stream=sys.stderr, level=logging.DEBUG, force=True)',
        `DataSourceGCE._write_host_key_to_guest_attributes('ssh-ed25519', ${JSON.stringify(hostKey)})`,
      ].join('\n');
      const mark = await world().server.mark();
      const r = await world().ns.runStatus('env', ['-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `PYTHONPATH=${client().pythonPath}`, DEBIAN_PYTHON, '-c', script]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Wrote ssh-ed25519 host key to guest attributes.');
      const requests = await world().server.requestsAfter(mark);
      expect(requests.map((q) => `${q.method} ${q.path} ${q.status}`), describeRequests(requests)).toEqual([`PUT ${V1}/instance/guest-attributes/hostkeys/ssh-ed25519 200`]);
      expect(await guestGet(world(), `${V1}/instance/guest-attributes/hostkeys/ssh-ed25519`)).toBe(hostKey);
    });
  });
}
