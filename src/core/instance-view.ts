import type { InstanceSummary } from '../domain/events.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { Stage } from '../domain/stages.js';
import type { GuestState } from '../ports/hypervisor.js';
import type { ControllerInstance, InstanceFailure } from '../domain/controller-instance.js';
import { stageDurations } from './stage-tracker.js';

/** What `minicloud info` shows: the summary plus everything else known about the instance. */
export interface InstanceInfo extends InstanceSummary {
  uuid: string;
  hostname: string;
  imagePath: string;
  cpus: number;
  memoryMiB: number;
  diskBytes: number | null;
  sshUser: string;
  desired: ControllerInstance['desired'];
  guestState: GuestState | null;
  startedAt: number | null;
  /** ms from start to each stage reached. */
  stageDurations: Partial<Record<Stage, number>>;
  /** Stages recorded because a later one was seen first. */
  impliedStages: Stage[];
  failure: InstanceFailure | null;
  meta: Record<string, string>;
  userDataBytes: number | null;
  publicKeyNames: string[];
  imdsv2: InstanceRecord['imdsv2'];
  removeOnExit: boolean;
}

export interface ViewExtras {
  guestState: GuestState | null;
  lastMetadataAt: number | null;
  errorCount: number;
}

function runState(inst: ControllerInstance, guest: GuestState | null): InstanceSummary['state'] {
  if (inst.failure) return 'error';
  if (inst.desired === 'deleted') return 'stopping';
  if (inst.desired === 'stopped') return guest === 'running' || guest === 'paused' ? 'stopping' : 'stopped';
  if (guest === 'running' || guest === 'paused') return 'running';
  if (guest === 'shutoff' || guest === 'crashed') return inst.stages.startedAt === null ? 'starting' : 'stopped';
  return inst.stages.startedAt === null ? 'defined' : 'starting';
}

export function instanceSummary(inst: ControllerInstance, rec: InstanceRecord, extras: ViewExtras): InstanceSummary {
  return {
    id: inst.id,
    name: rec.name,
    ip: rec.ip,
    mac: rec.mac,
    image: inst.image.name,
    datasource: rec.datasource,
    accelerator: inst.accelerator,
    stage: inst.stages.stage,
    state: runState(inst, extras.guestState),
    createdAt: rec.createdAt,
    lastMetadataAt: extras.lastMetadataAt,
    errorCount: extras.errorCount,
  };
}

export function instanceInfo(inst: ControllerInstance, rec: InstanceRecord, extras: ViewExtras): InstanceInfo {
  return {
    ...instanceSummary(inst, rec, extras),
    uuid: rec.uuid,
    hostname: rec.hostname,
    imagePath: inst.image.path,
    cpus: inst.cpus,
    memoryMiB: inst.memoryMiB,
    diskBytes: inst.diskBytes,
    sshUser: inst.image.sshUser,
    desired: inst.desired,
    guestState: extras.guestState,
    startedAt: inst.stages.startedAt,
    stageDurations: stageDurations(inst.stages),
    impliedStages: inst.stages.implied,
    failure: inst.failure,
    meta: rec.meta,
    userDataBytes: rec.userData ? rec.userData.byteLength : null,
    publicKeyNames: rec.publicKeys.map((k) => k.name),
    imdsv2: rec.imdsv2,
    removeOnExit: inst.removeOnExit,
  };
}

/** Resolves `ref` (id, or name) against the records; undefined if none. */
export function findByRef<T extends { id: string; name: string }>(items: Iterable<T>, ref: string): T | undefined {
  let byName: T | undefined;
  for (const item of items) {
    if (item.id === ref) return item;
    if (item.name === ref) byName = item;
  }
  return byName;
}
