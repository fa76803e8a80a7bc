import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogStore } from '../../src/ports/store.js';
import { sampleRequest } from '../helpers/request-record.js';

/** A fresh, empty log and how to dispose of it. */
export interface RequestLogSubject {
  log: RequestLogStore;
  dispose(): void;
}

/**
 * The RequestLogStore contract (src/ports/store.ts): every append is visible to `query` at once,
 * flushed or not, in append order. Run from test/contract/request-log-<adapter>.unit.test.ts.
 */
export function requestLogContract(adapter: string, create: () => RequestLogSubject): void {
  describe(`RequestLogStore contract: ${adapter}`, () => {
    let subject: RequestLogSubject;
    let log: RequestLogStore;
    beforeEach(() => {
      subject = create();
      log = subject.log;
    });
    afterEach(() => subject.dispose());

    it('starts empty', () => {
      expect(log.query({})).toEqual([]);
    });

    it('shows appended records before and after flush, oldest first, every field intact', () => {
      const records = [
        sampleRequest(1),
        sampleRequest(2, { instanceId: null, sourceIp: '10.9.9.9', status: 404, flavour: null, userAgent: null }),
        sampleRequest(3, { method: 'PUT', path: '/latest/api/token', tokenUsed: true, latencyMs: 1.625, bytes: 56 }),
        // A fault rule's answer names the rule; a request it reset or held got no answer: status 0.
        sampleRequest(4, { status: 500, fault: 'f1' }),
        sampleRequest(5, { status: 0, bytes: 0, latencyMs: 10_000, fault: 'boot-hang' }),
      ];
      for (const r of records) log.append(r);
      expect(log.query({})).toEqual(records);
      log.flush();
      expect(log.query({})).toEqual(records);
    });

    it('merges flushed and unflushed records in append order', () => {
      log.append(sampleRequest(1));
      log.append(sampleRequest(2));
      log.flush();
      log.append(sampleRequest(3));
      expect(log.query({}).map((r) => r.time)).toEqual([1, 2, 3].map((n) => sampleRequest(n).time));
    });

    it('filters by instance, across flushed and unflushed records', () => {
      log.append(sampleRequest(1, { instanceId: 'i-0000000a' }));
      log.append(sampleRequest(2, { instanceId: 'i-0000000b' }));
      log.flush();
      log.append(sampleRequest(3, { instanceId: 'i-0000000a' }));
      log.append(sampleRequest(4, { instanceId: null }));
      expect(log.query({ instanceId: 'i-0000000a' }).map((r) => r.time)).toEqual([sampleRequest(1).time, sampleRequest(3).time]);
    });

    it('returns only records strictly after sinceTime', () => {
      for (let n = 1; n <= 5; n++) log.append(sampleRequest(n));
      log.flush();
      log.append(sampleRequest(6));
      expect(log.query({ sinceTime: sampleRequest(3).time }).map((r) => r.time)).toEqual([4, 5, 6].map((n) => sampleRequest(n).time));
    });

    it('with limit, returns the most recent N, oldest first', () => {
      for (let n = 1; n <= 5; n++) log.append(sampleRequest(n));
      log.flush();
      log.append(sampleRequest(6));
      log.append(sampleRequest(7));
      expect(log.query({ limit: 3 }).map((r) => r.time)).toEqual([5, 6, 7].map((n) => sampleRequest(n).time));
      expect(log.query({ limit: 4 }).map((r) => r.time)).toEqual([4, 5, 6, 7].map((n) => sampleRequest(n).time));
      expect(log.query({ limit: 0 })).toEqual([]);
    });

    it('combines instance, sinceTime and limit', () => {
      for (let n = 1; n <= 8; n++) log.append(sampleRequest(n, { instanceId: n % 2 === 0 ? 'i-0000000a' : 'i-0000000b' }));
      log.flush();
      log.append(sampleRequest(10, { instanceId: 'i-0000000a' }));
      const got = log.query({ instanceId: 'i-0000000a', sinceTime: sampleRequest(2).time, limit: 2 });
      expect(got.map((r) => r.time)).toEqual([8, 10].map((n) => sampleRequest(n).time));
    });

    it('keeps everything across many appends and flushes', () => {
      for (let n = 0; n < 1200; n++) {
        log.append(sampleRequest(n));
        if (n % 250 === 0) log.flush();
      }
      const all = log.query({});
      expect(all).toHaveLength(1200);
      expect(all.at(-1)).toEqual(sampleRequest(1199));
    });
  });
}
