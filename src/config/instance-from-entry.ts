import type { CloudEvent } from '../domain/cloud-event.js';
import type { InstanceRecord, PublicKey } from '../domain/instance.js';
import { derivedHex, derivedUuid } from '../core/derived-ids.js';
import type { InstanceEntry } from './instances-file-schema.js';

/** Defaults for fields an entry leaves out; documented in docs/configuration.md ("Defaults"). */
const ENTRY_DEFAULTS = {
  datasource: 'ec2',
  imdsv2: 'optional',
  instanceType: 't3.micro',
  imageId: 'ami-00000000',
  region: 'us-east-1',
  securityGroups: ['default'],
  iamToken: 'minicloud-test-session-token',
  /** Far in the future so SDKs never try to refresh test credentials mid-test. */
  iamExpiration: '2099-12-31T23:59:59Z',
} as const;

/**
 * How the caller resolves `userData` given as `{ file }` (relative to the instances file) and as
 * `{ base64 }`, and `events`: each can fail with a coded error naming the entry, so they are the caller's job.
 */
export interface EntryContext {
  /** Epoch ms stamped as createdAt (the loader passes load time + index, so file order is list order). */
  createdAt: number;
  userData: Uint8Array | null;
  /** The entry's `events:` (src/config/cloud-events-from-entry.ts: their times depend on when the server starts). */
  cloudEvents: CloudEvent[];
}

/**
 * One validated entry → the InstanceRecord the metadata server serves. Pure and deterministic:
 * omitted ids are derived by hashing (id from the IP; uuid, MAC and reservationId from the
 * id), so the same file always yields the same identity and a restarted server answers the
 * same values.
 */
export function instanceFromEntry(entry: InstanceEntry, ctx: EntryContext): InstanceRecord {
  const id = entry.id ?? `i-${derivedHex(`instance:${entry.ip}`, 17)}`;
  const name = entry.name ?? id;
  const region = entry.region ?? ENTRY_DEFAULTS.region;
  const iam = entry.iamRole;
  return {
    id,
    uuid: (entry.uuid ?? derivedUuid(`uuid:${id}`)).toLowerCase(),
    name,
    hostname: entry.hostname ?? hostnameFromName(name),
    mac: (entry.mac ?? `52:54:00:${derivedHex(`mac:${id}`, 6).replace(/(..)(?!$)/g, '$1:')}`).toLowerCase(),
    ip: entry.ip,
    publicKeys: (entry.publicKeys ?? []).map((k, i): PublicKey => ({ name: k.name ?? `key-${i}`, key: k.key.trim() })),
    userData: ctx.userData,
    meta: Object.fromEntries(Object.entries(entry.meta ?? {}).map(([k, v]) => [k, String(v)])),
    datasource: entry.datasource ?? ENTRY_DEFAULTS.datasource,
    imdsv2: entry.imdsv2 ?? ENTRY_DEFAULTS.imdsv2,
    launchIndex: entry.launchIndex ?? 0,
    instanceType: entry.instanceType ?? ENTRY_DEFAULTS.instanceType,
    imageId: entry.imageId ?? ENTRY_DEFAULTS.imageId,
    availabilityZone: entry.availabilityZone ?? `${region}a`,
    region,
    reservationId: entry.reservationId ?? `r-${derivedHex(`reservation:${id}`, 17)}`,
    securityGroups: [...(entry.securityGroups ?? ENTRY_DEFAULTS.securityGroups)],
    iamRole: iam
      ? {
          name: iam.name,
          accessKeyId: iam.accessKeyId,
          secretAccessKey: iam.secretAccessKey,
          token: iam.token ?? ENTRY_DEFAULTS.iamToken,
          expiration: iam.expiration ?? ENTRY_DEFAULTS.iamExpiration,
        }
      : null,
    vendorData: entry.vendorData ?? {},
    createdAt: ctx.createdAt,
    cloudEvents: ctx.cloudEvents,
  };
}

/** A name made safe as a host name: lowercase, runs of other characters become one dash. */
export function hostnameFromName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return cleaned === '' ? 'instance' : cleaned.slice(0, 63).replace(/[.-]+$/, '');
}
