import type { InstanceRecord } from '../domain/instance.js';
import { guestName } from './guest-name.js';
import type { GuestSpec, SmbiosIdentity } from '../ports/hypervisor.js';
import type { Accelerator } from '../domain/controller-instance.js';
import type { ControllerInstance } from '../domain/controller-instance.js';
import { fnv1a } from './ipam.js';

/** Where one cloud keeps its per-instance files; the controller's config decides. */
export interface CloudPaths {
  /** `$MINICLOUD_HOME/instances`: one directory per instance (overlay, console log, run files). */
  instancesDir: string;
}

/** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
export const MAX_IFNAME = 15;

/**
 * Tap name: `mc` + 4 hex of the cloud id's hash + 9 hex of the instance id = 15 chars. Unique per
 * host for distinct clouds (netns runs share nothing anyway) and derivable without any stored state.
 */
export function tapName(cloudId: string, instanceId: string): string {
  return `${tapPrefix(cloudId)}${instanceId.replace(/^i-/, '').slice(0, 9)}`;
}

/** What every tap of one cloud starts with (`prune` finds a crashed run's taps by it). */
export function tapPrefix(cloudId: string): string {
  return `mc${(fnv1a(cloudId) & 0xffff).toString(16).padStart(4, '0')}`;
}

export function instanceDir(paths: CloudPaths, instanceId: string): string {
  return `${paths.instancesDir}/${instanceId}`;
}

/** The `config-2` ISO of an instance with datasource `configdrive` (removed by the driver's undefine). */
function configDrivePath(paths: CloudPaths, instanceId: string): string {
  return `${instanceDir(paths, instanceId)}/config-drive.iso`;
}

/** The cloud's provisioning CD of an instance that asks for it (Azure's `ovf-env.xml`; removed by undefine). */
function provisioningMediaPath(paths: CloudPaths, instanceId: string): string {
  return `${instanceDir(paths, instanceId)}/provisioning-media.iso`;
}

/** How the guest presents itself to the hypervisor: the cloud's part of the spec (src/clouds/guest-identity.ts). */
export interface GuestIdentity {
  /** Guest uuid (libvirt, SMBIOS). */
  uuid: string;
  smbios: SmbiosIdentity;
  /** Attach a `config-2` ISO with the OpenStack tree. */
  configDrive: boolean;
  /** Attach the cloud's provisioning media as a CD-ROM (CloudFlavour.provisioningMedia). */
  provisioningMedia: boolean;
}

/**
 * Everything the driver needs to run the guest. Pure. The name comes from guestName, the identity from
 * the instance's cloud, so the controller and the drivers cannot disagree on how a guest is tagged or
 * which cloud it presents.
 */
export function buildGuestSpec(opts: {
  cloudId: string;
  bridge: string;
  paths: CloudPaths;
  instance: ControllerInstance;
  record: InstanceRecord;
  accelerator: Accelerator;
  identity: GuestIdentity;
}): GuestSpec {
  const { instance, record } = opts;
  const dir = instanceDir(opts.paths, instance.id);
  return {
    cloudId: opts.cloudId,
    instanceId: instance.id,
    uuid: opts.identity.uuid,
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
    smbios: opts.identity.smbios,
    configDrivePath: opts.identity.configDrive ? configDrivePath(opts.paths, instance.id) : null,
    cdromPath: opts.identity.provisioningMedia ? provisioningMediaPath(opts.paths, instance.id) : null,
    consoleLogPath: `${dir}/console.log`,
    runDir: `${dir}/run`,
    accelerator: opts.accelerator,
  };
}
