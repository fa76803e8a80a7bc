import type { CloudEventNews } from './cloud-event.js';
import type { FaultRuleView } from './fault-rule.js';
import type { Datasource } from './instance.js';
import type { MetadataRequestRecord } from './metadata-request.js';
import type { Stage } from './stages.js';

/** What the TUI and `minicloud ls` show about an instance. */
export interface InstanceSummary {
  id: string;
  name: string;
  ip: string;
  mac: string;
  image: string;
  datasource: Datasource;
  /** `kvm` or `tcg`; null until the hypervisor reports it. */
  accelerator: 'kvm' | 'tcg' | null;
  stage: Stage;
  /** Desired/observed run state. */
  state: 'defined' | 'starting' | 'running' | 'stopping' | 'stopped' | 'error';
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of the last metadata request from this instance; null if none yet. */
  lastMetadataAt: number | null;
  /** Metadata requests answered with 4xx/5xx or not at all (status 0), plus lifecycle errors. */
  errorCount: number;
}

/**
 * Everything the controller and the metadata server publish, as typed data. This is the format of
 * `minicloud events --json` (one JSON object per line) and the only input of the TUI's reducer.
 * `at` is epoch milliseconds.
 */
export type MinicloudEvent =
  | { type: 'cloud.status'; at: number; status: 'starting' | 'up' | 'stopping' | 'down'; detail?: string }
  | { type: 'notice'; at: number; level: 'info' | 'warn' | 'error'; message: string; code?: string }
  | { type: 'instance.added'; at: number; instance: InstanceSummary }
  | { type: 'instance.updated'; at: number; instance: InstanceSummary }
  | { type: 'instance.stage'; at: number; instanceId: string; stage: Stage; /** ms since the instance was started */ elapsedMs: number }
  | { type: 'instance.error'; at: number; instanceId: string; code: string; message: string; hint?: string }
  | { type: 'instance.removed'; at: number; instanceId: string }
  /** `metadata set` changed what the instance's metadata APIs answer (the next request sees it; long-polls wake). */
  | { type: 'instance.metadata'; at: number; instanceId: string; keys: string[]; userData: boolean }
  | { type: 'instance.console'; at: number; instanceId: string; line: string }
  /**
   * The guest told its cloud how its provisioning went (Azure: the health report cloud-init posts to the
   * wireserver). `ready` is the readiness stage `reported-ready`; `detail` is the guest's own words on a failure.
   */
  | { type: 'instance.reported'; at: number; instanceId: string; state: 'ready' | 'not-ready'; detail: string | null }
  | { type: 'metadata.request'; at: number; request: MetadataRequestRecord }
  | SkippedRequestsEvent
  | { type: 'dhcp.lease'; at: number; mac: string; ip: string; hostname: string | null }
  | { type: 'service.restarted'; at: number; service: string; reason: string }
  /** A fault rule was added (its hits then arrive as `metadata.request` records naming it: docs/faults.md). */
  | { type: 'fault.added'; at: number; rule: FaultRuleView }
  | { type: 'fault.removed'; at: number; id: string }
  /** Cloud events (docs/events.md): made, announced, fired, completed, canceled. */
  | CloudEventNews;

/** Most distinct paths a SkippedRequestsEvent lists (the TUI shows 40 per instance). */
export const SKIPPED_PATHS_MAX = 64;

/**
 * Stands for `metadata.request` events a summary follower of the event stream
 * (`GET /v1/events?requests=summary&keep=K`, see docs/tui.md) was not sent one by one. Per flush
 * window such a follower gets the last K requests of each source in full and, for a source that
 * made more, one of these counting all the others, so every count derived from requests stays
 * exact. All the requests it stands for came before the source's requests sent in full. Never
 * published on the EventBus; only the API's stream writer makes it. Schema: api-schemas.ts.
 */
export interface SkippedRequestsEvent {
  type: 'metadata.requests.skipped';
  /** = lastAt. */
  at: number;
  /** The source's instance; null for an unknown source (then one event per source IP). */
  instanceId: string | null;
  sourceIp: string;
  /** Requests this event stands for (>= 1). */
  count: number;
  /** How many of them were answered 4xx/5xx or not at all (status 0). */
  errorCount: number;
  /** Their response body bytes, summed. */
  bytes: number;
  /** Epoch ms of the first and the last of them (MetadataRequestRecord.time). */
  firstAt: number;
  lastAt: number;
  /**
   * Their distinct paths with the status of the last request to each, in the order of that last
   * request, oldest first; only the SKIPPED_PATHS_MAX most recent.
   */
  paths: { path: string; status: number }[];
  /** Of them, how many each fault rule shaped (rule id → count); absent when none was. */
  faultHits?: Record<string, number>;
}
