import { datasourceSchema } from '../clouds/datasource-schema.js';
import { Type, type Static } from '@sinclair/typebox';

/**
 * The instances file of `minicloud metadata serve --instances FILE` (YAML or JSON), documented in
 * docs/configuration.md. Keys are the InstanceRecord field names (camelCase, as in minicloud.yaml). Every `description` is the
 * reason shown to the user when a value does not match, so it is written as "expected …" wording.
 */

const Ipv4 = Type.String({
  pattern: '^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$',
  description: 'an IPv4 address like 10.0.0.5',
});

const UserData = Type.Union(
  [
    Type.String(),
    Type.Object({ text: Type.String() }, { additionalProperties: false }),
    Type.Object({ base64: Type.String() }, { additionalProperties: false }),
    Type.Object({ file: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  ],
  { description: 'text, or an object with exactly one of text, base64 or file' },
);

const IamRoleEntry = Type.Object(
  {
    name: Type.String({ pattern: '^[\\w+=,.@-]{1,64}$', description: 'an IAM role name (letters, digits, +=,.@_-)' }),
    accessKeyId: Type.String({ minLength: 1 }),
    secretAccessKey: Type.String({ minLength: 1 }),
    token: Type.Optional(Type.String()),
    expiration: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$', description: 'a UTC time like 2030-01-01T00:00:00Z' })),
  },
  { additionalProperties: false },
);

/** A delay from the server's start (`30s`, `2m`, `1h30m`) or a UTC time. */
const EventTime = Type.String({
  pattern: '^((\\d+(\\.\\d+)?(ms|s|m|h))+|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z)$',
  description: 'a delay from the server start like 30s, 2m or 1h30m, or a UTC time like 2030-01-01T00:00:00Z',
});
const EventDuration = Type.String({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h))+$', description: 'a duration like 90s, 2m or 1h30m' });

/**
 * A cloud event the server plays (docs/events.md): which fields apply depends on `type`, checked when the
 * entry becomes an event (src/config/cloud-events-from-entry.ts), so the error names the field.
 */
const CloudEventEntrySchema = Type.Object(
  {
    type: Type.Union([Type.Literal('spot'), Type.Literal('maintenance'), Type.Literal('rebalance')], { description: 'spot, maintenance or rebalance' }),
    id: Type.Optional(Type.String({ pattern: '^instance-event-[0-9a-f]{17}$', description: 'an event id: instance-event- and 17 lowercase hex digits' })),
    notice: Type.Optional(EventTime),
    action: Type.Optional(Type.Union([Type.Literal('terminate'), Type.Literal('stop'), Type.Literal('hibernate')], { description: 'terminate, stop or hibernate' })),
    in: Type.Optional(EventDuration),
    code: Type.Optional(
      Type.Union(
        [Type.Literal('system-reboot'), Type.Literal('instance-reboot'), Type.Literal('system-maintenance'), Type.Literal('instance-retirement'), Type.Literal('instance-stop')],
        { description: 'system-reboot, instance-reboot, system-maintenance, instance-retirement or instance-stop' },
      ),
    ),
    at: Type.Optional(EventTime),
    duration: Type.Optional(EventDuration),
  },
  { additionalProperties: false },
);

export const InstanceEntrySchema = Type.Object(
  {
    ip: Ipv4,
    id: Type.Optional(Type.String({ pattern: '^i-([0-9a-f]{8}|[0-9a-f]{17})$', description: 'an EC2 instance id: i- and 8 or 17 lowercase hex digits' })),
    uuid: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: 'a UUID like 6f2d3c1e-0c4b-4a53-9b6e-3f1f1c2d4e5f' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    hostname: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$', description: 'a host name: letters, digits, dots and dashes' })),
    mac: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$', description: 'a MAC address like 52:54:00:12:34:56' })),
    publicKeys: Type.Optional(
      Type.Array(Type.Object({ name: Type.Optional(Type.String({ minLength: 1 })), key: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
    ),
    userData: Type.Optional(UserData),
    meta: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()], { description: 'a string, number or boolean' }))),
    datasource: Type.Optional(
      datasourceSchema(),
    ),
    imdsv2: Type.Optional(Type.Union([Type.Literal('optional'), Type.Literal('required')], { description: 'optional or required' })),
    launchIndex: Type.Optional(Type.Integer({ minimum: 0 })),
    instanceType: Type.Optional(Type.String({ minLength: 1 })),
    imageId: Type.Optional(Type.String({ minLength: 1 })),
    region: Type.Optional(Type.String({ minLength: 1 })),
    availabilityZone: Type.Optional(Type.String({ minLength: 1 })),
    reservationId: Type.Optional(Type.String({ minLength: 1 })),
    securityGroups: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    iamRole: Type.Optional(IamRoleEntry),
    vendorData: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    events: Type.Optional(Type.Array(CloudEventEntrySchema)),
  },
  { additionalProperties: false },
);

export const InstancesFileSchema = Type.Object(
  { instances: Type.Array(InstanceEntrySchema) },
  { additionalProperties: false },
);

export type InstanceEntry = Static<typeof InstanceEntrySchema>;
export type CloudEventEntry = Static<typeof CloudEventEntrySchema>;
export type InstancesFile = Static<typeof InstancesFileSchema>;
