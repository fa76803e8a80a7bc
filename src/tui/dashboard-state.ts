import type { CloudEventView } from '../domain/cloud-event.js';
import type { InstanceSummary, MinicloudEvent, SkippedRequestsEvent } from '../domain/events.js';
import type { FaultRule } from '../domain/fault-rule.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { Stage } from '../domain/stages.js';
import { cloudEventNotice, withCloudEventNews } from './cloud-events-state.js';

/**
 * The TUI's view model and the pure reducer that builds it from MinicloudEvents.
 * Every buffer is bounded (LIMITS), so a guest that floods the metadata server or the console
 * costs the TUI a fixed amount of memory and a bounded amount of work per frame.
 */

export const LIMITS = {
  /** Metadata requests kept for the requests pane and the metadata log (all instances). */
  requests: 500,
  /** Requests kept per instance for its detail view. */
  instanceRequests: 100,
  /** Console lines kept per instance (from `instance.console` events or a followed console). */
  consoleLines: 200,
  /** Distinct metadata paths listed as "served" per instance. */
  servedPaths: 40,
  /** Lifecycle errors kept per instance. */
  instanceErrors: 10,
  notices: 20,
} as const;

export interface StageMark {
  stage: Stage;
  /** Epoch ms when the stage was reached. */
  at: number;
  /** Ms since the instance was started, as the controller measured it. */
  elapsedMs: number;
}

export interface InstanceError {
  at: number;
  code: string;
  message: string;
  hint?: string;
}

/** What the instance has been served, summarised from its metadata requests. */
export interface ServedSummary {
  requests: number;
  bytes: number;
  /** Requests answered 4xx/5xx. */
  failures: number;
  /** Distinct paths with their last status, oldest first (bounded). */
  paths: readonly { path: string; status: number }[];
}

export interface InstanceView {
  summary: InstanceSummary;
  /** Stages in the order reached. */
  stages: readonly StageMark[];
  errors: readonly InstanceError[];
  /** Tail of the console from `instance.console` events. */
  console: readonly string[];
  /** This instance's requests, oldest first. */
  requests: readonly MetadataRequestRecord[];
  served: ServedSummary;
}

export interface Notice {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Lines from the caller's console source for the one instance the user is looking at. */
export interface FollowedConsole {
  instanceId: string;
  lines: readonly string[];
}

/** A fault rule as the dashboard knows it: from `fault.added`, its hits counted from the request records. */
export interface FaultEntry {
  id: string;
  /** Null when the dashboard saw the rule's hits but not its `fault.added` (added before the retained history). */
  rule: FaultRule | null;
  hits: number;
  /** Time of the first hit (for a `for` rule's expiry); null before it. */
  firstHitAt: number | null;
}

export interface DashboardState {
  cloud: { status: 'starting' | 'up' | 'stopping' | 'down'; detail?: string; at: number } | null;
  /** Keyed by instance id; insertion order is launch order. */
  instances: Readonly<Record<string, InstanceView>>;
  /** All metadata requests, oldest first (bounded). */
  requests: readonly MetadataRequestRecord[];
  /** Total metadata requests seen, including those dropped from the buffer. */
  requestCount: number;
  notices: readonly Notice[];
  followed: FollowedConsole | null;
  /** Fault rules by id, in the order they were added (docs/faults.md). */
  faults: ReadonlyMap<string, FaultEntry>;
  /** Cloud events by id as last reported, in the order they were made (docs/events.md; bounded). */
  cloudEvents: ReadonlyMap<string, CloudEventView>;
}

/** Inputs the TUI feeds the reducer besides the controller's events. */
export type ConsoleInput =
  | { type: 'tui.console.follow'; instanceId: string }
  | { type: 'tui.console.line'; instanceId: string; line: string };

export type DashboardInput = MinicloudEvent | ConsoleInput;

export function initialDashboardState(): DashboardState {
  return { cloud: null, instances: {}, requests: [], requestCount: 0, notices: [], followed: null, faults: new Map(), cloudEvents: new Map() };
}

function newInstanceView(summary: InstanceSummary, at: number): Draft {
  return {
    summary,
    stages: [{ stage: summary.stage, at, elapsedMs: Math.max(0, at - summary.createdAt) }],
    errors: [],
    console: [],
    requests: [],
    served: { requests: 0, bytes: 0, failures: 0, paths: [] },
  };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** An instance view this batch owns: fresh arrays it may push to. */
interface Draft {
  summary: InstanceSummary;
  stages: StageMark[];
  errors: InstanceError[];
  console: string[];
  requests: MetadataRequestRecord[];
  served: { requests: number; bytes: number; failures: number; paths: { path: string; status: number }[] };
}

/** Notes that `path` was last answered `status`: moves it to the end of the (bounded) served paths. */
function servePath(served: Draft['served'], path: string, status: number): void {
  const last = served.paths[served.paths.length - 1];
  if (last?.path === path && last.status === status) return;
  const index = served.paths.findIndex((p) => p.path === path);
  if (index >= 0) served.paths.splice(index, 1);
  served.paths.push({ path, status });
  trim(served.paths, LIMITS.servedPaths, true);
}

/** Trims a buffer this batch owns to its limit; lets it grow to twice the limit first so trimming is amortised. */
function trim<T>(buffer: T[], limit: number, isFinal: boolean): void {
  if (buffer.length > (isFinal ? limit : 2 * limit)) buffer.splice(0, buffer.length - limit);
}

/**
 * One frame's worth of inputs applied to copies made once per batch (the state, each touched
 * instance): the reducer stays pure from outside while a flood of requests costs a push each.
 */
class Batch {
  cloud: DashboardState['cloud'];
  readonly instances: Record<string, InstanceView>;
  readonly requests: MetadataRequestRecord[];
  requestCount: number;
  readonly notices: Notice[];
  followed: { instanceId: string; lines: string[] } | null;
  private faults: ReadonlyMap<string, FaultEntry>;
  /** The batch's own copy of `faults`, made on the first change. */
  private ownFaults: Map<string, FaultEntry> | null = null;
  private cloudEvents: ReadonlyMap<string, CloudEventView>;
  private readonly owned = new Map<string, Draft>();

  constructor(state: DashboardState) {
    this.cloud = state.cloud;
    this.instances = { ...state.instances };
    this.requests = [...state.requests];
    this.requestCount = state.requestCount;
    this.notices = [...state.notices];
    this.followed = state.followed === null ? null : { instanceId: state.followed.instanceId, lines: [...state.followed.lines] };
    this.faults = state.faults;
    this.cloudEvents = state.cloudEvents;
  }

  private faultsToChange(): Map<string, FaultEntry> {
    this.ownFaults ??= new Map(this.faults);
    this.faults = this.ownFaults;
    return this.ownFaults;
  }

  /** Counts hits of fault rules (a rule the dashboard has not seen added gets an entry without its rule). */
  private faultHits(id: string, hits: number, at: number): void {
    const faults = this.faultsToChange();
    const entry = faults.get(id) ?? { id, rule: null, hits: 0, firstHitAt: null };
    faults.set(id, { ...entry, hits: entry.hits + hits, firstHitAt: entry.firstHitAt ?? at });
  }

  private own(id: string | null): Draft | undefined {
    if (id === null) return undefined;
    const mine = this.owned.get(id);
    if (mine !== undefined) return mine;
    const view = this.instances[id];
    if (view === undefined) return undefined;
    const draft: Draft = {
      summary: { ...view.summary },
      stages: [...view.stages],
      errors: [...view.errors],
      console: [...view.console],
      requests: [...view.requests],
      served: { ...view.served, paths: [...view.served.paths] },
    };
    this.owned.set(id, draft);
    this.instances[id] = draft;
    return draft;
  }

  private markStage(draft: Draft, stage: Stage, at: number, elapsedMs: number): void {
    if (draft.stages[draft.stages.length - 1]?.stage !== stage) draft.stages.push({ stage, at, elapsedMs });
    draft.summary.stage = stage;
  }

  private request(request: MetadataRequestRecord): void {
    this.requests.push(request);
    trim(this.requests, LIMITS.requests, false);
    this.requestCount++;
    if (request.fault !== null) this.faultHits(request.fault, 1, request.time);
    const draft = this.own(request.instanceId);
    if (draft === undefined) return;
    draft.summary.lastMetadataAt = maxOrNull(draft.summary.lastMetadataAt, request.time);
    draft.requests.push(request);
    trim(draft.requests, LIMITS.instanceRequests, false);
    const served = draft.served;
    served.requests++;
    served.bytes += request.bytes;
    // 0: a fault rule sent no answer at all (docs/faults.md).
    if (request.status >= 400 || request.status === 0) served.failures++;
    servePath(served, request.path, request.status);
  }

  /**
   * Requests a summary stream counted instead of sending (they all came before the source's next
   * `metadata.request`): every counter moves exactly as if each had been applied; only the request
   * lists miss them.
   */
  private skipped(input: SkippedRequestsEvent): void {
    this.requestCount += input.count;
    for (const [id, hits] of Object.entries(input.faultHits ?? {})) this.faultHits(id, hits, input.firstAt);
    const draft = this.own(input.instanceId);
    if (draft === undefined) return;
    draft.summary.lastMetadataAt = maxOrNull(draft.summary.lastMetadataAt, input.lastAt);
    const served = draft.served;
    served.requests += input.count;
    served.bytes += input.bytes;
    served.failures += input.errorCount;
    for (const p of input.paths) servePath(served, p.path, p.status);
  }

  apply(input: DashboardInput): void {
    switch (input.type) {
      case 'cloud.status':
        this.cloud = { status: input.status, detail: input.detail, at: input.at };
        return;
      case 'notice':
        this.notices.push({ at: input.at, level: input.level, message: input.message });
        return;
      case 'service.restarted':
        this.notices.push({ at: input.at, level: 'warn', message: `${input.service} restarted: ${input.reason}` });
        return;
      case 'dhcp.lease':
        return;
      case 'instance.metadata': {
        const what = [...input.keys.map((k) => `meta ${k}`), ...(input.userData ? ['user-data'] : [])].join(', ');
        this.notices.push({ at: input.at, level: 'info', message: `${this.instances[input.instanceId]?.summary.name ?? input.instanceId}: metadata changed (${what})` });
        return;
      }
      case 'instance.reported': {
        const name = this.instances[input.instanceId]?.summary.name ?? input.instanceId;
        this.notices.push({ at: input.at, level: input.state === 'ready' ? 'info' : 'warn', message: `${name}: reported ${input.state} to the cloud${input.detail === null ? '' : ` (${input.detail})`}` });
        return;
      }
      case 'instance.added':
      case 'instance.updated': {
        const draft = this.own(input.instance.id);
        if (draft === undefined) {
          const fresh = newInstanceView(input.instance, input.at);
          this.owned.set(input.instance.id, fresh);
          this.instances[input.instance.id] = fresh;
          return;
        }
        // Keep what this TUI saw itself if the controller's summary lags behind its own events.
        draft.summary = { ...input.instance, lastMetadataAt: maxOrNull(draft.summary.lastMetadataAt, input.instance.lastMetadataAt) };
        this.markStage(draft, input.instance.stage, input.at, Math.max(0, input.at - input.instance.createdAt));
        return;
      }
      case 'instance.stage': {
        const draft = this.own(input.instanceId);
        if (draft !== undefined) this.markStage(draft, input.stage, input.at, input.elapsedMs);
        return;
      }
      case 'instance.error':
        this.own(input.instanceId)?.errors.push({ at: input.at, code: input.code, message: input.message, hint: input.hint });
        return;
      case 'instance.removed':
        delete this.instances[input.instanceId];
        this.owned.delete(input.instanceId);
        return;
      case 'instance.console': {
        const draft = this.own(input.instanceId);
        if (draft === undefined) return;
        draft.console.push(input.line);
        trim(draft.console, LIMITS.consoleLines, false);
        return;
      }
      case 'metadata.request':
        this.request(input.request);
        return;
      case 'metadata.requests.skipped':
        this.skipped(input);
        return;
      case 'fault.added':
        this.faultsToChange().set(input.rule.id, { id: input.rule.id, rule: input.rule, hits: input.rule.hits, firstHitAt: input.rule.firstHitAt });
        return;
      case 'fault.removed':
        this.faultsToChange().delete(input.id);
        return;
      case 'cloud.event.scheduled':
      case 'cloud.event.notice':
      case 'cloud.event.fired':
      case 'cloud.event.completed':
      case 'cloud.event.canceled':
        this.cloudEvents = withCloudEventNews(this.cloudEvents, input);
        this.notices.push(cloudEventNotice(input));
        return;
      case 'tui.console.follow':
        this.followed = { instanceId: input.instanceId, lines: [] };
        return;
      case 'tui.console.line':
        if (this.followed?.instanceId !== input.instanceId) return;
        this.followed.lines.push(input.line);
        trim(this.followed.lines, LIMITS.consoleLines, false);
        return;
      default: {
        const unhandled: never = input;
        return unhandled;
      }
    }
  }

  finish(): DashboardState {
    trim(this.requests, LIMITS.requests, true);
    trim(this.notices, LIMITS.notices, true);
    if (this.followed !== null) trim(this.followed.lines, LIMITS.consoleLines, true);
    for (const draft of this.owned.values()) {
      trim(draft.requests, LIMITS.instanceRequests, true);
      trim(draft.console, LIMITS.consoleLines, true);
      trim(draft.errors, LIMITS.instanceErrors, true);
    }
    return { cloud: this.cloud, instances: this.instances, requests: this.requests, requestCount: this.requestCount, notices: this.notices, followed: this.followed, faults: this.faults, cloudEvents: this.cloudEvents };
  }
}

/** Applies a batch of inputs in order (one frame's worth). Pure: never mutates `state`. */
export function applyInputs(state: DashboardState, inputs: readonly DashboardInput[]): DashboardState {
  const batch = new Batch(state);
  for (const input of inputs) batch.apply(input);
  return batch.finish();
}

/** Applies one input. Pure: never mutates `state`. */
export function reduceDashboard(state: DashboardState, input: DashboardInput): DashboardState {
  return applyInputs(state, [input]);
}

/** Errors shown in the instances pane: the controller's count, or what this TUI has seen if larger (late start). */
export function errorCountOf(view: InstanceView): number {
  return Math.max(view.summary.errorCount, view.errors.length + view.served.failures);
}
