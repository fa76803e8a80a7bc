import { datasourceSchema } from '../../../clouds/datasource-schema.js';
import { CloudEventSchema } from '../../../core/cloud-event-schema.js';
import { Type } from '@sinclair/typebox';
import type { InstanceRecord } from '../../../domain/instance.js';
import { parseJsonColumn, rowValidator } from './row-validation.js';

/** A row of `instances` as better-sqlite3 returns it (before validation). */
export interface InstanceRow {
  id: string;
  uuid: string;
  name: string;
  hostname: string;
  mac: string;
  ip: string;
  public_keys: string;
  user_data: Uint8Array | null;
  meta: string;
  datasource: string;
  imdsv2: string;
  launch_index: number;
  instance_type: string;
  image_id: string;
  availability_zone: string;
  region: string;
  reservation_id: string;
  security_groups: string;
  iam_role: string | null;
  vendor_data: string;
  created_at: number;
  cloud_events: string;
}

const NonEmpty = Type.String({ minLength: 1 });

/** What a decoded `instances` row must look like: the InstanceRecord contract, checked on every read. */
const InstanceRecordSchema = Type.Object({
  id: Type.String({ pattern: '^i-([0-9a-f]{8}|[0-9a-f]{17})$' }),
  uuid: NonEmpty,
  name: NonEmpty,
  hostname: NonEmpty,
  mac: Type.String({ pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$' }),
  ip: Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$' }),
  publicKeys: Type.Array(Type.Object({ name: NonEmpty, key: NonEmpty })),
  userData: Type.Union([Type.Uint8Array(), Type.Null()]),
  meta: Type.Record(Type.String(), Type.String()),
  datasource: datasourceSchema(),
  imdsv2: Type.Union([Type.Literal('optional'), Type.Literal('required')]),
  launchIndex: Type.Integer({ minimum: 0 }),
  instanceType: NonEmpty,
  imageId: NonEmpty,
  availabilityZone: NonEmpty,
  region: NonEmpty,
  reservationId: NonEmpty,
  securityGroups: Type.Array(Type.String()),
  iamRole: Type.Union([
    Type.Null(),
    Type.Object({ name: NonEmpty, accessKeyId: NonEmpty, secretAccessKey: NonEmpty, token: Type.String(), expiration: NonEmpty }),
  ]),
  vendorData: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.Integer(),
  cloudEvents: Type.Array(CloudEventSchema),
});

const checkInstance = rowValidator(InstanceRecordSchema, 'instances');

/** Decodes and validates one row; throws MC_ERR_STORE_ROW_INVALID (table instances, key = id). */
export function instanceFromRow(row: InstanceRow): InstanceRecord {
  const json = (text: string, column: string): unknown => parseJsonColumn(text, 'instances', row.id, column);
  // better-sqlite3 returns BLOBs as Buffer; expose a plain Uint8Array view of the same bytes.
  const userData = row.user_data === null ? null : new Uint8Array(row.user_data.buffer, row.user_data.byteOffset, row.user_data.byteLength);
  const candidate = {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    hostname: row.hostname,
    mac: row.mac,
    ip: row.ip,
    publicKeys: json(row.public_keys, 'public_keys'),
    userData,
    meta: json(row.meta, 'meta'),
    datasource: row.datasource,
    imdsv2: row.imdsv2,
    launchIndex: row.launch_index,
    instanceType: row.instance_type,
    imageId: row.image_id,
    availabilityZone: row.availability_zone,
    region: row.region,
    reservationId: row.reservation_id,
    securityGroups: json(row.security_groups, 'security_groups'),
    iamRole: row.iam_role === null ? null : json(row.iam_role, 'iam_role'),
    vendorData: json(row.vendor_data, 'vendor_data'),
    createdAt: row.created_at,
    cloudEvents: json(row.cloud_events, 'cloud_events'),
  };
  return checkInstance(candidate, row.id);
}

/** The named parameters of the insert/update statements. */
export function rowFromInstance(i: InstanceRecord): InstanceRow {
  return {
    id: i.id,
    uuid: i.uuid,
    name: i.name,
    hostname: i.hostname,
    mac: i.mac,
    ip: i.ip,
    public_keys: JSON.stringify(i.publicKeys),
    user_data: i.userData,
    meta: JSON.stringify(i.meta),
    datasource: i.datasource,
    imdsv2: i.imdsv2,
    launch_index: i.launchIndex,
    instance_type: i.instanceType,
    image_id: i.imageId,
    availability_zone: i.availabilityZone,
    region: i.region,
    reservation_id: i.reservationId,
    security_groups: JSON.stringify(i.securityGroups),
    iam_role: i.iamRole === null ? null : JSON.stringify(i.iamRole),
    vendor_data: JSON.stringify(i.vendorData),
    created_at: i.createdAt,
    cloud_events: JSON.stringify(i.cloudEvents),
  };
}

/** Column names in table order; the statements are built from this list so they cannot drift from InstanceRow. */
export const INSTANCE_COLUMNS: readonly (keyof InstanceRow)[] = [
  'id', 'uuid', 'name', 'hostname', 'mac', 'ip', 'public_keys', 'user_data', 'meta', 'datasource', 'imdsv2',
  'launch_index', 'instance_type', 'image_id', 'availability_zone', 'region', 'reservation_id',
  'security_groups', 'iam_role', 'vendor_data', 'created_at', 'cloud_events',
];
