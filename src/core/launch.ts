import type { Datasource, ImdsV2Mode, InstanceRecord, PublicKey } from '../domain/instance.js';
import { errors } from '../errors/catalogue.js';
import type { ControllerInstance, ImageRef } from '../domain/controller-instance.js';
import { defaultInstanceName, INSTANCE_NAME_PATTERN, newInstanceId, newUuid, type RandomBytes } from './instance-id.js';
import { allocateIp, allocateMac } from './ipam.js';
import type { DefaultedLaunchFields } from './launch-defaults.js';
import { initialStageState } from './stage-tracker.js';

/** What `minicloud run` asks for (already parsed and validated at the API edge). */
export interface LaunchRequest {
  /** Image name or absolute path, as resolved by the controller. */
  image: string;
  name: string | null;
  count: number;
  cpus: number;
  memoryMiB: number;
  diskBytes: number | null;
  datasource: Datasource;
  /** One user-data for all instances, or one per instance (length = count). Raw bytes. */
  userData: Uint8Array[];
  meta: Record<string, string>;
  /** Extra OpenSSH public key lines; the cloud's own key is always added. */
  sshKeys: string[];
  ip: string | null;
  imdsv2: ImdsV2Mode;
  removeOnExit: boolean;
}

/** A launch as asked for: the defaulted fields may be left out (the controller's LaunchDefaults fill them). */
export type LaunchInput = Omit<LaunchRequest, keyof DefaultedLaunchFields> & Partial<DefaultedLaunchFields>;

export interface LaunchContext {
  image: ImageRef;
  existing: InstanceRecord[];
  /**
   * Addresses DHCP still leases to MACs of deleted instances: dnsmasq will not hand such an address to
   * a new MAC until the lease expires ("not using configured address … because it is leased to …").
   */
  leasedElsewhere: Iterable<string>;
  subnet: string;
  gateway: string;
  /** The cloud's generated key (name `minicloud`). */
  cloudKey: PublicKey | null;
  now: number;
  random: RandomBytes;
  availabilityZone: string;
  region: string;
}

export interface LaunchedInstance {
  record: InstanceRecord;
  instance: ControllerInstance;
}

export const LAUNCH_LIMITS = { maxCount: 64, maxCpus: 64, minMemoryMiB: 32, maxMemoryMiB: 256 * 1024 } as const;

/** Checks the numbers a user can get wrong; throws MC_ERR_BAD_RESOURCE / MC_ERR_USAGE. */
function validateLaunch(req: LaunchRequest): void {
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > LAUNCH_LIMITS.maxCount) throw errors.badResource('--count', `must be 1..${LAUNCH_LIMITS.maxCount}`);
  if (!Number.isInteger(req.cpus) || req.cpus < 1 || req.cpus > LAUNCH_LIMITS.maxCpus) throw errors.badResource('--cpus', `must be 1..${LAUNCH_LIMITS.maxCpus}`);
  if (req.memoryMiB < LAUNCH_LIMITS.minMemoryMiB || req.memoryMiB > LAUNCH_LIMITS.maxMemoryMiB) throw errors.badResource('--memory', `must be ${LAUNCH_LIMITS.minMemoryMiB}M..${LAUNCH_LIMITS.maxMemoryMiB / 1024}G`);
  if (req.diskBytes !== null && req.diskBytes < 2 ** 20) throw errors.badResource('--disk', 'must be at least 1M');
  if (req.ip !== null && req.count > 1) throw errors.usage('--ip pins one address; it cannot be combined with --count > 1');
  if (req.userData.length > 1 && req.userData.length !== req.count) {
    throw errors.usage(`give --user-data once, or once per instance (--count ${req.count}); got ${req.userData.length}`);
  }
  if (req.name !== null && !INSTANCE_NAME_PATTERN.test(req.name)) {
    throw errors.usage(`--name ${req.name}: use lowercase letters, digits and dashes (a hostname label)`);
  }
}

/**
 * The records of the instances a launch creates: ids, names, addresses, keys. Pure; the store's
 * uniqueness checks (name, IP, MAC) still apply when they are inserted.
 */
export function buildLaunch(req: LaunchRequest, ctx: LaunchContext): LaunchedInstance[] {
  validateLaunch(req);
  const usedIps = new Set([...ctx.existing.map((r) => r.ip), ...ctx.leasedElsewhere]);
  const usedMacs = new Set(ctx.existing.map((r) => r.mac));
  const usedNames = new Set(ctx.existing.map((r) => r.name));
  const reservation = `r-${newInstanceId(ctx.random).slice(2)}`;
  const keys: PublicKey[] = [
    ...(ctx.cloudKey ? [ctx.cloudKey] : []),
    ...req.sshKeys.map((key, i) => ({ name: `key-${i + 1}`, key: key.trim() })),
  ];
  const out: LaunchedInstance[] = [];
  for (let i = 0; i < req.count; i += 1) {
    const id = newInstanceId(ctx.random);
    const name = req.name === null ? defaultInstanceName(ctx.image.name.split('/').pop() ?? 'vm', id) : req.count > 1 ? `${req.name}-${i + 1}` : req.name;
    if (usedNames.has(name)) throw errors.instanceExists('name', name);
    const ip = allocateIp({ subnet: ctx.subnet, gateway: ctx.gateway, used: usedIps, ...(req.ip !== null ? { requested: req.ip } : {}) });
    const mac = allocateMac(id, usedMacs);
    usedIps.add(ip);
    usedMacs.add(mac);
    usedNames.add(name);
    const record: InstanceRecord = {
      id,
      uuid: newUuid(ctx.random),
      name,
      hostname: name,
      mac,
      ip,
      publicKeys: keys,
      userData: req.userData[req.userData.length === 1 ? 0 : i] ?? null,
      meta: { ...req.meta },
      datasource: req.datasource,
      imdsv2: req.imdsv2,
      launchIndex: i,
      instanceType: `mc.c${req.cpus}m${req.memoryMiB}`,
      imageId: `ami-${ctx.image.name.replace(/[^a-z0-9]/gi, '').slice(0, 17).toLowerCase() || 'image'}`,
      availabilityZone: ctx.availabilityZone,
      region: ctx.region,
      reservationId: reservation,
      securityGroups: ['default'],
      iamRole: null,
      vendorData: {},
      createdAt: ctx.now,
      cloudEvents: [],
    };
    const instance: ControllerInstance = {
      id,
      desired: 'running',
      image: ctx.image,
      cpus: req.cpus,
      memoryMiB: req.memoryMiB,
      diskBytes: req.diskBytes,
      removeOnExit: req.removeOnExit,
      accelerator: null,
      stages: initialStageState(ctx.now),
      failure: null,
    };
    out.push({ record, instance });
  }
  return out;
}
