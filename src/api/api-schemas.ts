import { Type, type Static } from '@sinclair/typebox';

/**
 * The controller API's edge: request bodies and queries are validated here (fastify + TypeBox), so
 * the controller only sees well-typed input. Null comes first in unions: fastify's ajv coerces
 * types, and would turn a null into "" if the string branch were tried first. User-data travels base64-encoded: it is bytes, byte for byte.
 */

export const DatasourceSchema = Type.Union([Type.Literal('ec2'), Type.Literal('openstack'), Type.Literal('nocloud'), Type.Literal('configdrive')]);

/** `POST /v1/instances`. Fields left out take the cloud's launch defaults (minicloud.yaml `defaults:`). */
export const LaunchBodySchema = Type.Object(
  {
    image: Type.String({ minLength: 1 }),
    name: Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 63 })]),
    count: Type.Integer({ minimum: 1 }),
    cpus: Type.Optional(Type.Integer({ minimum: 1 })),
    memoryMiB: Type.Optional(Type.Integer({ minimum: 1 })),
    diskBytes: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 1 })])),
    datasource: Type.Optional(DatasourceSchema),
    /** base64, one per instance or one for all. */
    userData: Type.Array(Type.String()),
    meta: Type.Record(Type.String(), Type.String()),
    sshKeys: Type.Array(Type.String()),
    ip: Type.Union([Type.Null(), Type.String()]),
    imdsv2: Type.Optional(Type.Union([Type.Literal('optional'), Type.Literal('required')])),
    removeOnExit: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type LaunchBody = Static<typeof LaunchBodySchema>;

export const MetadataPatchSchema = Type.Object(
  {
    meta: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** base64 user-data, or null to remove it. */
    userData: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  },
  { additionalProperties: false },
);
export type MetadataPatch = Static<typeof MetadataPatchSchema>;

export const RefParamsSchema = Type.Object({ ref: Type.String({ minLength: 1 }) });

export const MetadataLogQuerySchema = Type.Object({
  instance: Type.Optional(Type.String()),
  since: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
});

/** The Upgrade token of `GET /v1/instances/:ref/console/attach` (interactive console, `minicloud console`). */
export const CONSOLE_UPGRADE = 'minicloud-console';

export const ConsoleQuerySchema = Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })) });

export const EventsQuerySchema = Type.Object({
  follow: Type.Optional(Type.Boolean()),
  /** Send the retained history first. */
  replay: Type.Optional(Type.Boolean()),
});

/** What `GET /v1/status` answers: enough for every CLI command to find and reach the cloud. */
export interface CloudStatus {
  cloudId: string;
  pid: number;
  startedAt: number;
  accelerator: 'kvm' | 'tcg';
  hypervisor: string;
  /** The network namespace the cloud lives in; null for the host's. */
  netns: string | null;
  bridge: string;
  subnet: string;
  gateway: string;
  metadataAddress: string;
  /** Private key of the cloud's generated keypair (for `ssh`/`exec`). */
  sshKeyPath: string;
  home: string;
  instances: number;
  /** The cloud's `--wait-for` timeout (minicloud.yaml defaults.timeout); null: 2 minutes, x3 under TCG. */
  defaultTimeoutMs: number | null;
}

/** Error body of every non-2xx answer; the client turns it back into a MinicloudError. */
export interface ApiErrorBody {
  code: string;
  message: string;
  hint: string | null;
  exit: number;
}
