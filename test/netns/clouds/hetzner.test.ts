import { expect, it } from 'vitest';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON, type CloudInitVersion } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, runCloudInitIn, useCloudWorld, userDataOf, type CloudWorld } from '../../helpers/cloud-world.js';
import { describeRequests } from '../../helpers/metadata-serve-process.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceHetzner (the only Hetzner class: it runs in init-local) of 22.4.2 and
// 25.3 against `minicloud metadata serve` playing Hetzner, with its own platform checks on the DMI
// minicloud gives a Hetzner guest (vendor Hetzner, serial = the server id).
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

const VENDOR_DATA = '#cloud-config\n# vendor: byte for byte\tyes \nbootcmd:\n  - echo "vëndör"\n';

/** What each version asks for, in order (25.x adds private-networks); the real cloud answers all three. */
const PATHS: Record<CloudInitVersion, string[]> = {
  '22.4.2': ['/hetzner/v1/metadata', '/hetzner/v1/userdata'],
  '25.3': ['/hetzner/v1/metadata', '/hetzner/v1/metadata/private-networks', '/hetzner/v1/userdata'],
};

/** The guest's NIC, carrying its MAC: what find_fallback_nic() picks, so 25.x aims its IPv6 URL at it. */
async function addGuestNic(world: CloudWorld): Promise<void> {
  // A veth whose peer answers no neighbour solicitation, as on minicloud's bridge (its filter drops guest IPv6).
  await world.ns.run('ip', ['link', 'add', 'eth0', 'address', world.instance.mac, 'type', 'veth', 'peer', 'name', 'hzpeer0']);
  for (const link of ['eth0', 'hzpeer0']) await world.ns.run('ip', ['link', 'set', link, 'up']);
  // 25.x needs the link-local address usable (DAD done), as in a guest long past link-up.
  for (let i = 0; i < 100; i += 1) {
    const { stdout } = await world.ns.run('ip', ['-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link']);
    if (stdout.includes('fe80::') && !stdout.includes('tentative')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('eth0 never got a usable IPv6 link-local address');
}

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceHetzner against minicloud's Hetzner`, () => {
    const client = useCloudInitClient(version);
    // An all-digit MAC: YAML 1.1 reads it as a number unless the server quotes it.
    const instance = cloudTestInstance('hetzner', { mac: '52:54:00:12:34:56', extra: { vendorData: { 'cloud-init': VENDOR_DATA } } });
    const world = useCloudWorld(`mchz${version.replace(/\D/g, '')}`, instance);
    const serial = cloudNamed('hetzner').identity({ instanceId: instance.id, instanceUuid: instance.uuid }).system.serial;

    it('reads instance-id (the SMBIOS serial), hostname, keys, user- and vendor-data byte for byte, and eth0 by its real MAC', async () => {
      const out = await runCloudInitIn(world(), client(), { datasource: 'Hetzner' });
      expect(out.result?.ok, out.context).toBe(true);
      expect(out.result, out.context).toMatchObject({
        dsname: 'Hetzner',
        platform: 'hetzner',
        instanceId: serial,
        hostname: instance.hostname,
        localHostname: instance.hostname,
        publicKeys: instance.publicKeys,
      });
      expect(userDataOf(out.result), out.context).toBe(instance.userData);
      expect(Buffer.from(out.result?.vendorDataB64 ?? '', 'base64').toString('utf8'), out.context).toBe(VENDOR_DATA);
      expect(out.result?.networkConfig, out.context).toEqual({
        version: 1,
        config: [{ type: 'physical', name: 'eth0', mac_address: instance.mac, subnets: [{ type: 'dhcp', ipv4: true, dns_nameservers: ['169.254.169.1'] }] }],
      });
      expect(out.requests.map((r) => `${r.method} ${r.path} ${r.status}`), out.context).toEqual(PATHS[version].map((p) => `GET ${p} 200`));
    });

    if (version === '22.4.2') {
      it('asks only the IPv4 address: 22.4.2 knows no IPv6 metadata URL, with or without a NIC', async () => {
        await addGuestNic(world());
        const out = await runCloudInitIn(world(), client(), { datasource: 'Hetzner' });
        expect(out.result?.ok, out.context).toBe(true);
        expect(out.context).not.toContain('fe80::');
      });
    } else {
      it('tries http://[fe80::a9fe:a9fe%25<nic>] first on each of its three reads; unanswered, each costs its 2 s timeout, then IPv4 answers', async () => {
        await addGuestNic(world());
        const started = Date.now();
        const out = await runCloudInitIn(world(), client(), { datasource: 'Hetzner' });
        const tookMs = Date.now() - started;
        expect(out.result?.ok, out.context).toBe(true);
        expect(out.result?.instanceId, out.context).toBe(serial);
        const ipv6Failures = out.context.split('\n').filter((l) => /Calling 'http:\/\/\[fe80::a9fe:a9fe%25eth0\]\/hetzner\/v1\/[^']*' failed .*ConnectTimeoutError/.test(l));
        expect(ipv6Failures, out.context).toHaveLength(3);
        // Bounded by cloud-init's per-request timeout (2 s), never its 120 s max_wait: IPv4 answers each read at once.
        expect(tookMs, out.context).toBeLessThan(3 * 2_000 + 6_000);
        expect(out.requests.map((r) => `${r.path} ${r.status}`), describeRequests(out.requests)).toEqual(PATHS[version].map((p) => `${p} 200`));
        process.stdout.write(`\nhetzner 25.3 with a guest NIC whose IPv6 neighbour never answers: ${tookMs} ms for the datasource (3 IPv6 attempts of 2 s)\n`);
      });
    }
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceHetzner, an instance without user-data`, () => {
    const client = useCloudInitClient(version);
    const instance = cloudTestInstance('hetzner', { userData: '' });
    const world = useCloudWorld(`mche${version.replace(/\D/g, '')}`, instance);

    it('gets 204 for user-data and finishes at once (an empty 200 would make 25.x retry for 120 s)', async () => {
      const started = Date.now();
      const out = await runCloudInitIn(world(), client(), { datasource: 'Hetzner' });
      const tookMs = Date.now() - started;
      expect(out.result?.ok, out.context).toBe(true);
      expect(out.result?.userDataB64 ?? null, out.context).toBeNull();
      // One read, answered 204: 25.x logs it as an "empty response [204]" and stops there (no retry).
      expect(out.requests.filter((r) => r.path === '/hetzner/v1/userdata').map((r) => r.status), out.context).toEqual([204]);
      expect(tookMs, out.context).toBeLessThan(20_000);
    });
  });
}
