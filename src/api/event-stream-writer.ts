import { SKIPPED_PATHS_MAX, type MinicloudEvent, type SkippedRequestsEvent } from '../domain/events.js';

/** The part of a response (http.ServerResponse) the writer uses. */
export interface NdjsonSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(): unknown;
}

export interface EventStreamWriter {
  /** Queues one event; MUST cost the publisher O(1) and no serialisation (it runs in the metadata request hook). */
  push(event: MinicloudEvent): void;
  /** The client went away: drops what is queued, stops the timer; later pushes are ignored. */
  close(): void;
  /**
   * The server is closing: writes what is queued now (unless the client stopped reading: then it is
   * dropped, as for close), ends the stream, and ignores later pushes. The client sees a clean end.
   */
  end(): void;
}

export interface EventStreamWriterOptions {
  flushMs?: number;
  /** Events other than summarised requests that may wait for a client that is not reading. */
  maxPending?: number;
  /**
   * Summary mode (`?requests=summary&keep=K`): of each source's `metadata.request` events in a
   * flush window only the last `keepRequests` are sent, the others are counted into one
   * `metadata.requests.skipped` per source. Absent: every event is sent (full mode).
   */
  keepRequests?: number;
  now?: () => number;
}

type RequestEvent = Extract<MinicloudEvent, { type: 'metadata.request' }>;

/**
 * One source's (instance's, or unknown source IP's) requests in the current flush window: the
 * newest `keep` in a ring, with their arrival numbers; the older ones only counted.
 */
class SourceWindow {
  readonly ring: (RequestEvent | undefined)[];
  readonly seqs: Float64Array;
  /** Ring index of the oldest kept request. */
  head = 0;
  size = 0;
  /** Arrival number of the newest skipped request: where the summary goes in the stream. */
  skippedSeq = 0;
  count = 0;
  errorCount = 0;
  bytes = 0;
  firstAt = 0;
  lastAt = 0;
  /** path → status of its last skipped request, in the order of that request (Map order). */
  paths: Map<string, number> | null = null;
  /** fault rule id → skipped requests it shaped (null until one was). */
  faultHits: Record<string, number> | null = null;
  private lastPath = '';
  private lastStatus = 0;

  constructor(keep: number) {
    this.ring = new Array<RequestEvent | undefined>(keep);
    this.seqs = new Float64Array(keep);
  }

  add(event: RequestEvent, seq: number): void {
    const keep = this.ring.length;
    if (this.size < keep) {
      const at = (this.head + this.size) % keep;
      this.ring[at] = event;
      this.seqs[at] = seq;
      this.size++;
      return;
    }
    const oldest = this.ring[this.head];
    if (oldest !== undefined) this.skip(oldest.request, this.seqs[this.head] ?? seq);
    this.ring[this.head] = event;
    this.seqs[this.head] = seq;
    this.head = (this.head + 1) % keep;
  }

  private skip(request: RequestEvent['request'], seq: number): void {
    this.skippedSeq = seq;
    if (this.count === 0) this.firstAt = this.lastAt = request.time;
    else {
      if (request.time < this.firstAt) this.firstAt = request.time;
      if (request.time > this.lastAt) this.lastAt = request.time;
    }
    this.count++;
    this.bytes += request.bytes;
    if (request.status >= 400 || request.status === 0) this.errorCount++;
    if (request.fault !== null) {
      const hits = (this.faultHits ??= {});
      hits[request.fault] = (hits[request.fault] ?? 0) + 1;
    }
    // A guest polling one path is the common flood: then the Map is not touched at all.
    if (request.path === this.lastPath && request.status === this.lastStatus) return;
    this.lastPath = request.path;
    this.lastStatus = request.status;
    const paths = (this.paths ??= new Map());
    paths.delete(request.path);
    paths.set(request.path, request.status);
    if (paths.size > SKIPPED_PATHS_MAX) paths.delete(paths.keys().next().value as string);
  }

  /** Appends the summary (if any) and the kept requests, each with its arrival number. */
  drainInto(out: { seq: number; event: MinicloudEvent }[]): void {
    const first = this.ring[this.head];
    if (this.count > 0 && first !== undefined) {
      const paths: { path: string; status: number }[] = [];
      for (const [path, status] of this.paths ?? []) paths.push({ path, status });
      const summary: SkippedRequestsEvent = {
        type: 'metadata.requests.skipped', at: this.lastAt, instanceId: first.request.instanceId, sourceIp: first.request.sourceIp,
        count: this.count, errorCount: this.errorCount, bytes: this.bytes, firstAt: this.firstAt, lastAt: this.lastAt, paths,
        ...(this.faultHits === null ? {} : { faultHits: this.faultHits }),
      };
      out.push({ seq: this.skippedSeq, event: summary });
    }
    const keep = this.ring.length;
    for (let i = 0; i < this.size; i++) {
      const at = (this.head + i) % keep;
      const event = this.ring[at];
      if (event !== undefined) out.push({ seq: this.seqs[at] ?? 0, event });
    }
  }
}

/**
 * One follower of `GET /v1/events` (the TUI, `events -f`). Events are serialised and written as
 * NDJSON once per `flushMs`, all at once: a write per event was a syscall per metadata request in
 * the controller (bench/tui), and the TUI draws about 10 frames a second anyway.
 * A client that does not keep up (write() returned false, no 'drain' yet) MUST NOT grow the
 * controller's memory: at most `maxPending` events wait, later ones are dropped and counted, and a
 * `notice` event tells the client how many it missed once it has caught up. In summary mode the
 * requests are never dropped: they cost at most `keepRequests` records per source while the client
 * is blocked, and the counts in `metadata.requests.skipped` stay exact.
 */
export function createEventStreamWriter(sink: NdjsonSink, opts: EventStreamWriterOptions = {}): EventStreamWriter {
  const flushMs = opts.flushMs ?? 50;
  const maxPending = opts.maxPending ?? 20_000;
  const keep = opts.keepRequests;
  const now = opts.now ?? Date.now;
  let pending: MinicloudEvent[] = [];
  /** Summary mode: arrival number of each pending event, and the requests of this window by source. */
  let pendingSeqs: number[] = [];
  let sources = new Map<string, SourceWindow>();
  let seq = 0;
  let dropped = 0;
  let isBlocked = false;
  let isClosed = false;
  let timer: NodeJS.Timeout | null = null;

  /** Summary mode: the window's events back in arrival order, summaries where their requests were. */
  const takeSummarised = (): MinicloudEvent[] => {
    const out: { seq: number; event: MinicloudEvent }[] = [];
    for (let i = 0; i < pending.length; i++) out.push({ seq: pendingSeqs[i] ?? 0, event: pending[i] as MinicloudEvent });
    for (const source of sources.values()) source.drainInto(out);
    sources = new Map();
    pendingSeqs = [];
    // Runs already in order (each source, the other events): TimSort merges them in about linear time.
    return out.sort((a, b) => a.seq - b.seq).map((e) => e.event);
  };

  const flush = (): void => {
    timer = null;
    if (isBlocked || (pending.length === 0 && sources.size === 0)) return;
    const batch = keep === undefined ? pending : takeSummarised();
    pending = [];
    if (dropped > 0) {
      batch.push({ type: 'notice', at: now(), level: 'warn', message: `event stream: ${dropped} events dropped while this client was not reading fast enough` });
      dropped = 0;
    }
    let text = '';
    for (const event of batch) text += `${JSON.stringify(event)}\n`;
    if (!sink.write(text)) {
      isBlocked = true;
      sink.once('drain', () => {
        isBlocked = false;
        if (!isClosed) schedule();
      });
    }
  };

  const schedule = (): void => {
    if (timer !== null || isClosed) return;
    timer = setTimeout(flush, flushMs);
  };

  const close = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = [];
    pendingSeqs = [];
    sources = new Map();
    isClosed = true;
  };

  return {
    push(event) {
      if (isClosed) return;
      if (keep !== undefined) {
        seq++;
        if (event.type === 'metadata.request') {
          const key = event.request.instanceId ?? event.request.sourceIp;
          let source = sources.get(key);
          if (source === undefined) {
            source = new SourceWindow(keep);
            sources.set(key, source);
          }
          source.add(event, seq);
          if (!isBlocked) schedule();
          return;
        }
      }
      if (pending.length >= maxPending) {
        dropped++;
        return;
      }
      pending.push(event);
      if (keep !== undefined) pendingSeqs.push(seq);
      if (!isBlocked) schedule();
    },
    close,
    end() {
      if (isClosed) return;
      if (timer !== null) {
        clearTimeout(timer);
        flush();
      }
      close();
      sink.end();
    },
  };
}
