import type { InstanceSummary, MinicloudEvent } from '../domain/events.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { Stage } from '../domain/stages.js';

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
}

/** Inputs the TUI feeds the reducer besides the controller's events. */
export type ConsoleInput =
  | { type: 'tui.console.follow'; instanceId: string }
  | { type: 'tui.console.line'; instanceId: string; line: string };

export type DashboardInput = MinicloudEvent | ConsoleInput;

export function initialDashboardState(): DashboardState {
  return { cloud: null, instances: {}, requests: [], requestCount: 0, notices: [], followed: null };
}

/** Appends to a bounded buffer, dropping the oldest entries. Returns a new array. */
export function appendBounded<T>(buffer: readonly T[], items: readonly T[], limit: number): T[] {
  const next = buffer.concat(items);
  return next.length > limit ? next.slice(next.length - limit) : next;
}

function newInstanceView(summary: InstanceSummary, at: number): InstanceView {
  return {
    summary,
    stages: [{ stage: summary.stage, at, elapsedMs: Math.max(0, at - summary.createdAt) }],
    errors: [],
    console: [],
    requests: [],
    served: { requests: 0, bytes: 0, failures: 0, paths: [] },
  };
}

function markStage(view: InstanceView, stage: Stage, at: number, elapsedMs: number): InstanceView {
  const last = view.stages[view.stages.length - 1];
  const stages = last?.stage === stage ? view.stages : [...view.stages, { stage, at, elapsedMs }];
  return { ...view, stages, summary: { ...view.summary, stage } };
}

function recordServed(served: ServedSummary, request: MetadataRequestRecord): ServedSummary {
  const path = request.path;
  const others = served.paths.filter((p) => p.path !== path);
  return {
    requests: served.requests + 1,
    bytes: served.bytes + request.bytes,
    failures: served.failures + (request.status >= 400 ? 1 : 0),
    paths: appendBounded(others, [{ path, status: request.status }], LIMITS.servedPaths),
  };
}

function applyRequest(state: DashboardState, request: MetadataRequestRecord): DashboardState {
  const next = { ...state, requests: appendBounded(state.requests, [request], LIMITS.requests), requestCount: state.requestCount + 1 };
  const view = request.instanceId === null ? undefined : state.instances[request.instanceId];
  if (view === undefined || request.instanceId === null) return next;
  const updated: InstanceView = {
    ...view,
    summary: { ...view.summary, lastMetadataAt: Math.max(view.summary.lastMetadataAt ?? 0, request.time) },
    requests: appendBounded(view.requests, [request], LIMITS.instanceRequests),
    served: recordServed(view.served, request),
  };
  return { ...next, instances: { ...state.instances, [request.instanceId]: updated } };
}

function updateInstance(state: DashboardState, id: string, update: (view: InstanceView) => InstanceView): DashboardState {
  const view = state.instances[id];
  return view === undefined ? state : { ...state, instances: { ...state.instances, [id]: update(view) } };
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function addNotice(state: DashboardState, notice: Notice): DashboardState {
  return { ...state, notices: appendBounded(state.notices, [notice], LIMITS.notices) };
}

/** Applies one input. Pure: never mutates `state`. */
export function reduceDashboard(state: DashboardState, input: DashboardInput): DashboardState {
  switch (input.type) {
    case 'cloud.status':
      return { ...state, cloud: { status: input.status, detail: input.detail, at: input.at } };
    case 'notice':
      return addNotice(state, { at: input.at, level: input.level, message: input.message });
    case 'service.restarted':
      return addNotice(state, { at: input.at, level: 'warn', message: `${input.service} restarted: ${input.reason}` });
    case 'dhcp.lease':
      return state;
    case 'instance.added':
    case 'instance.updated': {
      const existing = state.instances[input.instance.id];
      if (existing === undefined) {
        return { ...state, instances: { ...state.instances, [input.instance.id]: newInstanceView(input.instance, input.at) } };
      }
      // Keep what this TUI saw itself if the controller's summary lags behind its own events.
      const lastMetadataAt = maxOrNull(existing.summary.lastMetadataAt, input.instance.lastMetadataAt);
      const merged = { ...existing, summary: { ...input.instance, lastMetadataAt } };
      const elapsed = Math.max(0, input.at - input.instance.createdAt);
      return { ...state, instances: { ...state.instances, [input.instance.id]: markStage(merged, input.instance.stage, input.at, elapsed) } };
    }
    case 'instance.stage':
      return updateInstance(state, input.instanceId, (view) => markStage(view, input.stage, input.at, input.elapsedMs));
    case 'instance.error':
      return updateInstance(state, input.instanceId, (view) => ({
        ...view,
        errors: appendBounded(view.errors, [{ at: input.at, code: input.code, message: input.message, hint: input.hint }], LIMITS.instanceErrors),
      }));
    case 'instance.removed': {
      if (state.instances[input.instanceId] === undefined) return state;
      const { [input.instanceId]: _removed, ...rest } = state.instances;
      return { ...state, instances: rest };
    }
    case 'instance.console':
      return updateInstance(state, input.instanceId, (view) => ({
        ...view,
        console: appendBounded(view.console, [input.line], LIMITS.consoleLines),
      }));
    case 'metadata.request':
      return applyRequest(state, input.request);
    case 'tui.console.follow':
      return { ...state, followed: { instanceId: input.instanceId, lines: [] } };
    case 'tui.console.line':
      if (state.followed?.instanceId !== input.instanceId) return state;
      return { ...state, followed: { instanceId: input.instanceId, lines: appendBounded(state.followed.lines, [input.line], LIMITS.consoleLines) } };
    default: {
      const unhandled: never = input;
      return unhandled;
    }
  }
}

/** Applies a batch of inputs in order (one frame's worth). */
export function applyInputs(state: DashboardState, inputs: readonly DashboardInput[]): DashboardState {
  let next = state;
  for (const input of inputs) next = reduceDashboard(next, input);
  return next;
}

/** Errors shown in the instances pane: the controller's count, or what this TUI has seen if larger (late start). */
export function errorCountOf(view: InstanceView): number {
  return Math.max(view.summary.errorCount, view.errors.length + view.served.failures);
}
