import { applyInputs, initialDashboardState, type DashboardInput, type DashboardState } from './dashboard-state.js';
import type { SubscribeEvents } from './event-source.js';

export interface DashboardStoreOptions {
  subscribe: SubscribeEvents;
  /** Minimum time between two frames; events arriving meanwhile are applied together. */
  frameMs?: number;
  /** Pending inputs above which they are folded into the state at once (still without a frame). */
  maxPending?: number;
  /** Share of one core that drawing may use; frames are spaced out further when a draw costs more. Default 0.02. */
  drawBudget?: number;
  /** CPU time this process has used, in ms (default: process.cpuUsage(), all threads). Tests pass a fake. */
  cpuMs?: () => number;
}

const processCpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/** Frames are never further apart than this, however slow a draw is. */
const MAX_FRAME_MS = 1000;

/**
 * Sits between the event stream and React. The event listener only pushes onto an array, so the
 * publisher (the metadata server's request hook) never waits for the reducer or for rendering.
 * At most one frame per `frameMs` (default 100 ms, about 10 frames a second) applies the batch and
 * notifies React, through `subscribe`/`getSnapshot` for `useSyncExternalStore`. Ink's draw of a big
 * terminal can take tens of milliseconds on a slow host, so the interval stretches (up to 1 s) to
 * keep drawing under `drawBudget` of a core: the metadata server shares this event loop.
 */
export class DashboardStore {
  private state: DashboardState = initialDashboardState();
  private pending: DashboardInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private isPaused = false;
  private frames = 0;
  private frameCostMs = 0;
  /** Moving average of what one frame costs (see noteFrameDrawn). */
  private drawMs = 0;
  /** CPU time when the last flush began, until the frame it started is drawn. */
  private frameStartCpuMs: number | null = null;
  private readonly cpuMs: () => number;
  private readonly drawBudget: number;
  private unsubscribeEvents: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly frameMs: number;
  private readonly maxPending: number;
  private readonly subscribeEvents: SubscribeEvents;

  constructor(opts: DashboardStoreOptions) {
    this.subscribeEvents = opts.subscribe;
    this.frameMs = opts.frameMs ?? 100;
    this.maxPending = opts.maxPending ?? 2000;
    this.drawBudget = opts.drawBudget ?? 0.02;
    this.cpuMs = opts.cpuMs ?? processCpuMs;
  }

  /** Folds one frame's cost (ms) into the moving average the frame interval follows. */
  noteDrawTime(ms: number): void {
    this.drawMs = this.drawMs === 0 ? ms : this.drawMs * 0.8 + ms * 0.2;
  }

  /**
   * Ink drew a frame (its onRender, with the time its own output step took). A frame this store
   * started costs the CPU used since that flush: the reducer, React's render and commit, Yoga's
   * layout and Ink's output together — Ink's figure alone was about half of it (bench/tui: frames
   * came twice as often as the budget meant). Other redraws (a key, the clock) cost Ink's figure.
   */
  noteFrameDrawn(inkRenderMs: number): void {
    const started = this.frameStartCpuMs;
    this.frameStartCpuMs = null;
    this.noteDrawTime(started === null ? inkRenderMs : Math.max(inkRenderMs, this.cpuMs() - started));
  }

  /** The time between frames now: `frameMs`, or longer while draws are expensive. */
  frameInterval(): number {
    return Math.min(MAX_FRAME_MS, Math.max(this.frameMs, this.drawMs / this.drawBudget));
  }

  /** Subscribes to the event stream (replayed history lands in the first frame). Idempotent. */
  start(): void {
    if (this.unsubscribeEvents !== null) return;
    this.unsubscribeEvents = this.subscribeEvents((event) => this.push(event));
    this.flush();
  }

  /** Unsubscribes and cancels the pending frame. */
  stop(): void {
    this.unsubscribeEvents?.();
    this.unsubscribeEvents = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Queues an input for the next frame (events, and console lines from the caller's source). */
  push(input: DashboardInput): void {
    this.pending.push(input);
    if (this.pending.length >= this.maxPending) this.fold();
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.frameInterval());
      this.timer.unref();
    }
  }

  /** Applies everything pending now and, unless paused, notifies React. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const started = performance.now();
    this.frameStartCpuMs = this.cpuMs();
    this.fold();
    if (!this.isPaused) for (const listener of this.listeners) listener();
    this.frames++;
    this.frameCostMs += performance.now() - started;
  }

  /** Frames flushed and the synchronous time they took (reducer, and React/Ink when they render synchronously). */
  stats(): { frames: number; frameCostMs: number } {
    return { frames: this.frames, frameCostMs: this.frameCostMs };
  }

  /** While paused (an ssh subshell owns the terminal) events are still applied but nothing renders. */
  setPaused(isPaused: boolean): void {
    this.isPaused = isPaused;
    if (!isPaused) this.flush();
  }

  getSnapshot = (): DashboardState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private fold(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.state = applyInputs(this.state, batch);
  }
}
