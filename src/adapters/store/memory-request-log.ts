import type { MetadataRequestRecord } from '../../domain/metadata-request.js';
import type { RequestLogQuery, RequestLogStore } from '../../ports/store.js';

/**
 * In-memory metadata request log: the fake of RequestLogStore. `append` is O(1) and never blocks;
 * `flush` has nothing to write. Keeps at most `capacity` records (oldest dropped first) so a long
 * benchmark cannot exhaust memory.
 */
export class MemoryRequestLog implements RequestLogStore {
  private readonly records: MetadataRequestRecord[] = [];
  private readonly capacity: number;

  constructor(opts: { capacity?: number } = {}) {
    this.capacity = opts.capacity ?? 100_000;
  }

  append(record: MetadataRequestRecord): void {
    this.records.push({ ...record });
    // Trim in chunks so the amortised cost of append stays O(1).
    if (this.records.length > this.capacity * 1.25) this.records.splice(0, this.records.length - this.capacity);
  }

  flush(): void {
    // Nothing is buffered: appends are already visible to query().
  }

  query(q: RequestLogQuery): MetadataRequestRecord[] {
    const start = Math.max(0, this.records.length - this.capacity);
    let matches = this.records
      .slice(start)
      .filter((r) => (q.instanceId === undefined || r.instanceId === q.instanceId) && (q.sinceTime === undefined || r.time > q.sinceTime));
    if (q.limit !== undefined) matches = q.limit <= 0 ? [] : matches.slice(-q.limit);
    return matches.map((r) => ({ ...r }));
  }
}
