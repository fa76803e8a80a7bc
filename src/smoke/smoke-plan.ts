import type { CloudFlavour } from '../clouds/cloud-flavour.js';
import type { BuiltinCheckName } from './check-spec.js';
import type { SmokeProfile } from './profiles.js';

export interface PlannedCheck {
  name: BuiltinCheckName;
  /** Why this check does not apply to the run; null when it runs. */
  skip: string | null;
}

/**
 * The built-in checks of a run, in boot order (the order the exit code is decided in). Pure.
 * tempest's test_server_basic_ops: ssh with the key, local-ipv4 = the server's IP, the password
 * POST (OpenStack only). cloud-init status only for cloud-init images.
 */
export function planChecks(profile: SmokeProfile, cloud: CloudFlavour): PlannedCheck[] {
  const http = cloud.delivery === 'metadata-service';
  return [
    { name: 'boot', skip: null },
    { name: 'dhcp', skip: null },
    { name: 'metadata', skip: http ? null : `--datasource ${cloud.name} reads a disk, not the metadata service` },
    { name: 'userdata', skip: null },
    { name: 'ssh', skip: null },
    { name: 'local-ipv4', skip: cloud.localIpv4 ? null : `${cloud.title} has no metadata path for the private IPv4` },
    { name: 'password', skip: cloud.passwordApi ? null : `the password POST is Nova's API, which ${cloud.title} does not serve (use --datasource openstack)` },
    { name: 'cloud-init', skip: profile.cloudInitStatus ? null : `the ${profile.name} profile has no cloud-init` },
    { name: 'console-log', skip: null },
  ];
}
