import type { InstanceRecord } from '../domain/instance.js';
import type { Accelerator, GuestSpec, SmbiosIdentity } from '../ports/hypervisor.js';
import type { ControllerInstance } from './controller-instance.js';
import { fnv1a } from './ipam.js';

/** Where one cloud keeps its per-instance files; the controller's config decides. */
export interface CloudPaths {
  /** `$MINICLOUD_HOME/instances`: one directory per instance (overlay, console log, run files). */
  instancesDir: string;
}

/** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
export const MAX_IFNAME = 15;

/** Domain/process name: `mc-<cloud>-<instance>`, so `prune` finds a cloud's guests by prefix. */
export function guestName(cloudId: string, instanceId: string): string {
  return `mc-${cloudId}-${instanceId}`;
}

/**
 * Tap name: `mc` + 4 hex of the cloud id's hash + 9 hex of the instance id = 15 chars. Unique per
 * host for distinct clouds (netns runs share nothing anyway) and derivable without any stored state.
 */
export function tapName(cloudId: string, instanceId: string): string {
  const cloud = (fnv1a(cloudId) & 0xffff).toString(16).padStart(4, '0');
  return `mc${cloud}${instanceId.replace(/^i-/, '').slice(0, 9)}`;
}

/** SMBIOS strings that make cloud-init's ds-identify pick the wanted datasource (reference/real-clients.md). */
export function smbiosFor(record: InstanceRecord): SmbiosIdentity {
  switch (record.datasource) {
    case 'openstack':
    case 'configdrive':
      return { manufacturer: 'OpenStack Foundation', product: 'OpenStack Nova', family: 'Virtual Machine', serial: record.uuid, uuid: record.uuid };
    case 'ec2':
      // ds-identify's dscheck_Ec2 recognises the "Amazon EC2" vendor; the uuid must start with ec2.
      return { manufacturer: 'Amazon EC2', product: 't3.micro', serial: `ec2${record.uuid.slice(3)}`, uuid: `ec2${record.uuid.slice(3)}` };
    case 'nocloud':
      // ds=nocloud in the serial is how NoCloud is selected via SMBIOS.
      return { serial: 'ds=nocloud', uuid: record.uuid };
  }
}

export function instanceDir(paths: CloudPaths, instanceId: string): string {
  return `${paths.instancesDir}/${instanceId}`;
}

/** Everything the driver needs to run the guest. Pure. */
export function buildGuestSpec(opts: {
  cloudId: string;
  bridge: string;
  paths: CloudPaths;
  instance: ControllerInstance;
  record: InstanceRecord;
  accelerator: Accelerator;
  configDrivePath?: string | null;
}): GuestSpec {
  const { instance, record } = opts;
  const dir = instanceDir(opts.paths, instance.id);
  const smbios = smbiosFor(record);
  return {
    cloudId: opts.cloudId,
    instanceId: instance.id,
    uuid: smbios.uuid ?? record.uuid,
    name: guestName(opts.cloudId, instance.id),
    datasource: record.datasource,
    cpus: instance.cpus,
    memoryMiB: instance.memoryMiB,
    disk: {
      basePath: instance.image.path,
      baseFormat: instance.image.format,
      overlayPath: `${dir}/disk.qcow2`,
      sizeBytes: instance.diskBytes,
    },
    kernel: instance.image.kernel,
    nic: { mac: record.mac, bridge: opts.bridge, tapName: tapName(opts.cloudId, instance.id) },
    smbios,
    configDrivePath: opts.configDrivePath ?? null,
    consoleLogPath: `${dir}/console.log`,
    runDir: `${dir}/run`,
    accelerator: opts.accelerator,
  };
}
