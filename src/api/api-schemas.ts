import { Type, type Static } from '@sinclair/typebox';
import { datasourceSchema } from '../clouds/datasource-schema.js';
import { SKIPPED_PATHS_MAX, type SkippedRequestsEvent } from '../domain/events.js';
import type { MinicloudError } from '../errors/minicloud-error.js';

/**
 * The controller API's edge: request bodies and queries are validated here (fastify + TypeBox), so
 * the controller only sees well-typed input. Null comes first in unions: fastify's ajv coerces
 * types, and would turn a null into "" if the string branch were tried first. User-data travels base64-encoded: it is bytes, byte for byte.
 */

const DatasourceSchema = datasourceSchema();

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

/** Requests of each source a summary follower gets in full per flush window, unless it asks for another `keep`. */
export const DEFAULT_SUMMARY_KEEP = 100;

/**
 * A summary follower's flush window: 100 ms, the TUI's frame interval, so it loses nothing it could draw,
 * and it wakes (and parses) half as often as with the 50 ms of full followers (bench/tui, docs/tui.md).
 */
export const SUMMARY_FLUSH_MS = 100;

export const EventsQuerySchema = Type.Object({
  follow: Type.Optional(Type.Boolean()),
  /** Send the retained history first. */
  replay: Type.Optional(Type.Boolean()),
  /**
   * With follow: `full` (default) sends every event; `summary` sends, per flush window
   * (SUMMARY_FLUSH_MS) and source, the last `keep` metadata requests and one
   * `metadata.requests.skipped` counting the others (the TUI: its counts stay exact, its cost no
   * longer grows with the request rate).
   */
  requests: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('summary')])),
  keep: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export type EventsQuery = Static<typeof EventsQuerySchema>;

/** `metadata.requests.skipped` on the wire (SkippedRequestsEvent); clients check it before counting it. */
export const SkippedRequestsEventSchema = Type.Object({
  type: Type.Literal('metadata.requests.skipped'),
  at: Type.Number(),
  instanceId: Type.Union([Type.Null(), Type.String()]),
  sourceIp: Type.String(),
  count: Type.Integer({ minimum: 1 }),
  errorCount: Type.Integer({ minimum: 0 }),
  bytes: Type.Integer({ minimum: 0 }),
  firstAt: Type.Number(),
  lastAt: Type.Number(),
  paths: Type.Array(Type.Object({ path: Type.String(), status: Type.Integer() }), { maxItems: SKIPPED_PATHS_MAX }),
  faultHits: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1 }))),
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

/** How the API sends a coded error; the client rebuilds the same MinicloudError from it. */
export function apiErrorBody(err: MinicloudError): ApiErrorBody {
  return { code: err.code, message: err.message, hint: err.hint ?? null, exit: err.exitCode };
}

// The schema and the domain type describe the same event: this fails to compile if they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const skippedSchemaMatchesType: Same<Static<typeof SkippedRequestsEventSchema>, SkippedRequestsEvent> = true;
void skippedSchemaMatchesType;
