import type { Datasource } from '../domain/instance.js';
import type { BuiltinCheckName } from './check-spec.js';
import type { SmokeProfile } from './profiles.js';

export interface PlannedCheck {
  name: BuiltinCheckName;
  /** Why this check does not apply to the run; null when it runs. */
  skip: string | null;
}

/** Datasources read over HTTP from 169.254.169.254 (the others read a disk). */
export function isHttpDatasource(ds: Datasource): boolean {
  return ds === 'ec2' || ds === 'openstack';
}

/**
 * The built-in checks of a run, in boot order (the order the exit code is decided in). Pure.
 * tempest's test_server_basic_ops: ssh with the key, local-ipv4 = the server's IP, the password
 * POST (OpenStack only). cloud-init status only for cloud-init images.
 */
export function planChecks(profile: SmokeProfile, datasource: Datasource): PlannedCheck[] {
  const http = isHttpDatasource(datasource);
  return [
    { name: 'boot', skip: null },
    { name: 'dhcp', skip: null },
    { name: 'metadata', skip: http ? null : `--datasource ${datasource} reads a disk, not the metadata service` },
    { name: 'userdata', skip: null },
    { name: 'ssh', skip: null },
    { name: 'local-ipv4', skip: null },
    { name: 'password', skip: datasource === 'openstack' ? null : 'the password POST is an OpenStack API (use --datasource openstack)' },
    { name: 'cloud-init', skip: profile.cloudInitStatus ? null : `the ${profile.name} profile has no cloud-init` },
    { name: 'console-log', skip: null },
  ];
}
