import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeProvisioningMedia } from '../../../src/adapters/hypervisor/provisioning-media-iso.js';
import { OVF_MEDIA_LABEL } from '../../../src/clouds/azure/ovf-env.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';
import { fixtureInstance } from '../../unit/metadata/metadata-test-kit.js';

// minicloud's Azure provisioning CD read by cloud-init's REAL DataSourceAzure (22.4.2 and 25.3): the
// production writer (writeProvisioningMedia) makes the ISO, its files are extracted (this host may have no
// isofs to mount it with), and cloud-init's own load_azure_ds_dir, what the datasource runs on the mounted
// /dev/sr0, parses ovf-env.xml with read_azure_ovf. No network is involved; this tier has the clients.
const execFileAsync = promisify(execFile);
const READER = resolve(import.meta.dirname, '../../helpers/azure-ovf-reader.py');
const REQUIREMENTS = { root: true, commands: ['xorriso', 'blkid', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

/** Bytes a lossy path would change (a tab, a trailing space, non-ASCII, a NUL and 0xff). */
const USER_DATA = new Uint8Array([...Buffer.from('#cloud-config\n# minicloud: custom data byte for byte\truns: yes \nruncmd:\n  - echo "ünïcødé"\n'), 0, 0xff]);
const INSTANCE: InstanceRecord = fixtureInstance({
  id: 'i-0c10d0e1f2a3b4c5d',
  name: 'azure-guest',
  hostname: 'azure-guest',
  datasource: 'azure',
  meta: { adminUsername: 'azureuser', provisioningMedia: 'true' },
  publicKeys: [
    { name: 'one', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMiniCloudTestKeyOneForEveryCloudsClient one@minicloud' },
    { name: 'two', key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDminicloudsecondtestkey two@minicloud\n' },
  ],
  userData: USER_DATA,
});

interface OvfRead {
  localHostname: string;
  defaultUser: Record<string, unknown>;
  pubkeys: { fingerprint: string | null; path: string; value: string }[];
  sshPwauth: boolean;
  userDataB64: string;
  preprovisionedVm: boolean;
  provisionGuestProxyAgent: boolean;
  files: string[];
}

let scratch = '';
let mediaRoot = '';
let iso = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mc-azure-ovf-'));
  iso = join(scratch, 'provisioning-media.iso');
  mediaRoot = join(scratch, 'media');
  await writeProvisioningMedia(INSTANCE, iso);
  await execFileAsync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', mediaRoot]);
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describeWhen(REQUIREMENTS, "minicloud's Azure provisioning CD", () => {
  it('is an iso9660 filesystem labelled as Azure labels it, holding ovf-env.xml alone', async () => {
    const { stdout } = await execFileAsync('blkid', ['-p', '-o', 'export', iso]);
    expect(stdout).toContain('TYPE=iso9660\n');
    expect(stdout).toContain(`LABEL=${OVF_MEDIA_LABEL}\n`);
    const { stdout: ls } = await execFileAsync('ls', ['-A', mediaRoot]);
    expect(ls.trim().split('\n')).toEqual(['ovf-env.xml']);
  });
});

for (const version of CLOUD_INIT_VERSIONS) {
  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceAzure reading minicloud's provisioning CD`, () => {
    const client = useCloudInitClient(version);

    it('returns the hostname, the admin user, the keys and the user-data byte for byte', async () => {
      const { stdout, stderr } = await execFileAsync('env', ['-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', `HOME=${scratch}`, `PYTHONPATH=${client().pythonPath}`, DEBIAN_PYTHON, READER, mediaRoot]);
      const read = JSON.parse(stdout.trim().split('\n').pop() ?? '') as OvfRead;
      const context = `cloud-init ${version}:\n${stderr}`;
      expect(read.localHostname, context).toBe('azure-guest');
      expect(read.defaultUser, context).toEqual({ name: 'azureuser' });
      expect(read.pubkeys, context).toEqual(
        INSTANCE.publicKeys.map((k) => ({ fingerprint: null, path: '/home/azureuser/.ssh/authorized_keys', value: k.key.trimEnd() })),
      );
      expect(read.sshPwauth, context).toBe(false);
      expect(Buffer.from(read.userDataB64, 'base64').equals(Buffer.from(USER_DATA)), context).toBe(true);
      expect(read.preprovisionedVm, context).toBe(false);
      expect(read.files, context).toEqual(['ovf-env.xml']);
      // 22.4.2 has no guest proxy agent setting; 25.3 reads it off.
      if (version === '25.3') expect(read.provisionGuestProxyAgent, context).toBe(false);
    });
  });
}
