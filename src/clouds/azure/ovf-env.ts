import type { InstanceRecord } from '../../domain/instance.js';
import { azureAdminUsername } from './azure-instance-document.js';

/** The file Azure's provisioning media holds (cloud-init's `load_azure_ds_dir` reads it from the media's root). */
export const OVF_ENV_FILE = 'ovf-env.xml';

/**
 * The volume label of Azure's provisioning CD. cloud-init finds the media by device (`/dev/sr0` first,
 * then any iso9660/udf filesystem: `list_possible_azure_ds`), not by label; the label is Azure's, for
 * anything else that looks (WALinuxAgent, people).
 */
export const OVF_MEDIA_LABEL = 'rd_rdfe_stable.cloudapp.net';

/** XML text content: the five characters XML gives a meaning. */
function x(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * The `ovf-env.xml` Azure writes onto a VM's provisioning media, for one instance. Pure.
 *
 * Layout as Azure writes it (and cloud-init's OvfEnvXml parses it, 22.4.2 and 25.3 alike): the
 * `wa:ProvisioningSection` with the `LinuxProvisioningConfigurationSet` (HostName = the hostname,
 * UserName = the admin user IMDS names too, password login off, one `PublicKey` per instance key with its
 * `Path` in the admin's authorized_keys and its `Value`, and `CustomData` = the user-data base64, left
 * out when the instance has none), and the `wa:PlatformSettingsSection` (no guest agent to provision, not
 * a pre-provisioned VM, no guest proxy agent). No `UserPassword` (minicloud's instances have keys) and no
 * key `Fingerprint`: a fingerprint names a certificate the wireserver's goal state would carry, and it
 * carries none (the key's `Value` is the key).
 */
export function azureOvfEnv(instance: InstanceRecord): string {
  const admin = azureAdminUsername(instance);
  const keys = instance.publicKeys.map((k) =>
    [
      '          <PublicKey>',
      `            <Path>/home/${x(admin)}/.ssh/authorized_keys</Path>`,
      `            <Value>${x(k.key.trimEnd())}</Value>`,
      '          </PublicKey>',
    ].join('\n'),
  );
  const customData = instance.userData === null ? [] : [`      <CustomData>${Buffer.from(instance.userData).toString('base64')}</CustomData>`];
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1" xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" xmlns:wa="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">',
    '  <wa:ProvisioningSection>',
    '    <wa:Version>1.0</wa:Version>',
    '    <LinuxProvisioningConfigurationSet xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">',
    '      <ConfigurationSetType>LinuxProvisioningConfiguration</ConfigurationSetType>',
    `      <HostName>${x(instance.hostname)}</HostName>`,
    `      <UserName>${x(admin)}</UserName>`,
    '      <DisableSshPasswordAuthentication>true</DisableSshPasswordAuthentication>',
    '      <SSH>',
    ...(keys.length === 0 ? ['        <PublicKeys/>'] : ['        <PublicKeys>', ...keys, '        </PublicKeys>']),
    '        <KeyPairs/>',
    '      </SSH>',
    ...customData,
    '    </LinuxProvisioningConfigurationSet>',
    '  </wa:ProvisioningSection>',
    '  <wa:PlatformSettingsSection>',
    '    <wa:Version>1.0</wa:Version>',
    '    <PlatformSettings xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">',
    '      <KmsServerHostname>kms.core.windows.net</KmsServerHostname>',
    '      <ProvisionGuestAgent>false</ProvisionGuestAgent>',
    '      <GuestAgentPackageName i:nil="true"/>',
    '      <RetainWindowsPEPassInformation>false</RetainWindowsPEPassInformation>',
    '      <RetainOfflinePatchLevel>false</RetainOfflinePatchLevel>',
    '      <PreprovisionedVm>false</PreprovisionedVm>',
    '      <PreprovisionedVMType i:nil="true"/>',
    '      <EnableTrustedImageIdentifier>false</EnableTrustedImageIdentifier>',
    '      <ProvisionGuestProxyAgent>false</ProvisionGuestProxyAgent>',
    '    </PlatformSettings>',
    '  </wa:PlatformSettingsSection>',
    '</Environment>',
    '',
  ].join('\n');
}
