import { describe, expect, it } from 'vitest';
import { azureOvfEnv, OVF_ENV_FILE, OVF_MEDIA_LABEL } from '../../../src/clouds/azure/ovf-env.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance } from '../metadata/metadata-test-kit.js';

/** An Azure VM with two keys and user-data that is not text (CustomData carries bytes). */
function azureInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({
    id: 'i-0000000000000000a',
    name: 'az-1',
    hostname: 'az-1',
    datasource: 'azure',
    imageId: 'ami-debiancloud',
    publicKeys: [
      { name: 'k1', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOVXqG1Zb6b7PqOZ1Hq7bG2E1pQv3rXy0YQb1kC8nq1c alice@host\n' },
      { name: 'k2', key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 bob <b&b>' },
    ],
    userData: new Uint8Array([...Buffer.from('#cloud-config\nruncmd: [echo hi]\n'), 0, 0xff]),
    ...over,
  });
}

describe('Azure ovf-env.xml', () => {
  it('carries the hostname, the admin user, the keys into its authorized_keys and the user-data as CustomData (golden)', async () => {
    await expect(azureOvfEnv(azureInstance())).toMatchFileSnapshot('../../../fixtures/clouds/azure/ovf-env.xml');
  });

  it('names the adminUsername meta as UserName and escapes XML text', () => {
    const xml = azureOvfEnv(azureInstance({ meta: { adminUsername: 'azureuser' }, hostname: 'a<b' }));
    expect(xml).toContain('<UserName>azureuser</UserName>');
    expect(xml).toContain('<Path>/home/azureuser/.ssh/authorized_keys</Path>');
    expect(xml).toContain('<HostName>a&lt;b</HostName>');
    expect(xml).toContain('<Value>ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 bob &lt;b&amp;b&gt;</Value>');
  });

  it('leaves CustomData out without user-data and writes an empty key list without keys', () => {
    const xml = azureOvfEnv(azureInstance({ userData: null, publicKeys: [] }));
    expect(xml).not.toContain('CustomData');
    expect(xml).toContain('<PublicKeys/>');
  });

  it("is the one file of the azure cloud's provisioning media, labelled as Azure labels it", () => {
    const media = cloudNamed('azure').provisioningMedia;
    const inst = azureInstance();
    expect(media?.label).toBe(OVF_MEDIA_LABEL);
    expect(media?.files(inst)).toEqual([{ path: OVF_ENV_FILE, content: Buffer.from(azureOvfEnv(inst)) }]);
    expect(cloudNamed('ec2').provisioningMedia).toBeUndefined();
  });
});
