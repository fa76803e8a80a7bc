import { describe, expect, it } from 'vitest';
import { FaultBook, type FaultSubject } from '../../../src/core/fault-book.js';
import type { FaultRuleSpec } from '../../../src/core/fault-rule-spec.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';
import { ManualClock } from '../../../src/ports/clock.js';

const WEB: FaultSubject = { method: 'GET', path: '/latest/meta-data/instance-id', instanceId: 'i-0000000000000000a', instanceName: 'web-1', ip: '10.0.0.10', cloud: 'ec2' };
const DB: FaultSubject = { ...WEB, instanceId: 'i-0000000000000000b', instanceName: 'db-1', ip: '10.0.0.11', cloud: 'openstack' };

function book(opts: { seed?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const events: MinicloudEvent[] = [];
  const faults = new FaultBook({ now: () => clock.now(), seed: () => opts.seed ?? 7, clouds: ['ec2', 'openstack'], publish: (e) => events.push(e) });
  return { faults, clock, events };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isMinicloudError(err) ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

describe('FaultBook: which rule shapes an answer', () => {
  // [rule selectors, subject, fires]
  it.each<[string, Partial<FaultRuleSpec>, FaultSubject, boolean]>([
    ['no selectors: every request of every instance', {}, DB, true],
    ['instance by name', { instance: 'web-1' }, WEB, true],
    ['instance by id', { instance: 'i-0000000000000000a' }, WEB, true],
    ['instance by IP', { instance: '10.0.0.10' }, WEB, true],
    ['another instance', { instance: 'web-1' }, DB, false],
    ['method', { method: 'get' }, WEB, true],
    ['another method', { method: 'PUT' }, WEB, false],
    ['HEAD is not GET', { method: 'GET' }, { ...WEB, method: 'HEAD' }, false],
    ['cloud', { cloud: 'openstack' }, DB, true],
    ['another cloud', { cloud: 'openstack' }, WEB, false],
    ['path glob', { path: '/latest/**' }, WEB, true],
    ['another path', { path: '/openstack/**' }, WEB, false],
    ['all selectors', { instance: 'db-1', method: 'GET', cloud: 'openstack', path: '/*/meta-data/*' }, DB, true],
  ])('%s', (_name, selectors, subject, fires) => {
    const { faults } = book();
    faults.add({ path: '/**', status: 500, ...selectors });
    expect(faults.decide(subject)?.id ?? null).toBe(fires ? 'f1' : null);
  });

  it('tries rules in the order they were added; the first that fires wins', () => {
    const { faults } = book();
    faults.addAll([{ path: '/openstack/**', status: 503 }, { path: '/latest/**', delay: '2s' }, { path: '/**', reset: true }]);
    expect(faults.decide(WEB)).toMatchObject({ id: 'f2', action: { kind: 'delay', delayMs: 2000 } });
    expect(faults.decide({ ...WEB, path: '/openstack/latest/meta_data.json' })?.id).toBe('f1');
    expect(faults.decide({ ...WEB, path: '/nocloud/x/meta-data' })?.id).toBe('f3');
  });

  it('times: fires on the next N matching requests, then is spent and lets later rules fire', () => {
    const { faults } = book();
    faults.addAll([{ path: '/**', status: 500, times: 3 }, { path: '/**', hang: true, instance: 'db-1' }]);
    expect(faults.activeCount).toBe(2);
    expect([WEB, DB, WEB, DB, WEB].map((s) => faults.decide(s)?.id ?? null)).toEqual(['f1', 'f1', 'f1', 'f2', null]);
    expect(faults.activeCount).toBe(1);
    expect(faults.list().map((r) => [r.id, r.hits, r.state])).toEqual([['f1', 3, 'spent'], ['f2', 1, 'active']]);
  });

  it('for: fires from the first hit for that long, then has expired', () => {
    const { faults, clock } = book();
    faults.add({ path: '/**', status: 500, for: '30s' });
    clock.advance(60_000); // not counted: no hit yet
    expect(faults.decide(WEB)?.id).toBe('f1');
    clock.advance(29_999);
    expect(faults.decide(WEB)?.id).toBe('f1');
    clock.advance(1);
    expect(faults.list()[0]).toMatchObject({ state: 'expired', hits: 2, firstHitAt: 1_060_000 });
    expect(faults.decide(WEB)).toBeNull();
    expect(faults.activeCount).toBe(0);
  });

  it('probability: a seeded run replays exactly, and the share of hits follows the probability', () => {
    const decisions = (seed: number): boolean[] => {
      const { faults } = book();
      faults.add({ path: '/**', status: 500, probability: 0.2, seed });
      return Array.from({ length: 2000 }, () => faults.decide(WEB) !== null);
    };
    const first = decisions(42);
    expect(decisions(42)).toEqual(first);
    expect(decisions(43)).not.toEqual(first);
    const share = first.filter(Boolean).length / first.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    // The decisions are the rule's PRNG draws compared with p, one draw per matching request.
    const random = seededRandom(42);
    expect(first.slice(0, 50)).toEqual(Array.from({ length: 50 }, () => random() < 0.2));
  });

  it('probability: a draw is made only for requests the selectors match, so other traffic does not change the sequence', () => {
    const run = (noise: boolean): (string | null)[] => {
      const { faults } = book();
      faults.add({ path: '/**', instance: 'web-1', status: 500, probability: 0.5, seed: 1 });
      const out: (string | null)[] = [];
      for (let i = 0; i < 200; i++) {
        if (noise) faults.decide(DB);
        out.push(faults.decide(WEB)?.id ?? null);
      }
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('probability without a seed gets one from the seed source, shown in the rule', () => {
    const { faults } = book({ seed: 123456 });
    expect(faults.add({ path: '/**', status: 500, probability: 0.5 }).limit).toEqual({ kind: 'probability', probability: 0.5, seed: 123456 });
  });

  it('numbers rules f1, f2… skipping ids rules gave themselves, and refuses a taken id', () => {
    const { faults } = book();
    faults.addAll([{ id: 'f2', path: '/**', reset: true }, { path: '/**', reset: true }, { path: '/**', reset: true }]);
    expect(faults.list().map((r) => r.id)).toEqual(['f2', 'f1', 'f3']);
    expect(codeOf(() => faults.add({ id: 'f1', path: '/**', hang: true }))).toBe('MC_ERR_FAULT_ID_TAKEN');
  });

  it('publishes fault.added and fault.removed; remove and clear', () => {
    const { faults, events } = book();
    faults.addAll([{ path: '/a', status: 404 }, { path: '/b', status: 404 }, { path: '/c', status: 404 }]);
    expect(faults.remove('f2').id).toBe('f2');
    expect(codeOf(() => faults.remove('f2'))).toBe('MC_ERR_FAULT_NOT_FOUND');
    expect(faults.clear()).toEqual(['f1', 'f3']);
    expect(faults.activeCount).toBe(0);
    expect(events.map((e) => (e.type === 'fault.added' ? `+${e.rule.id}` : e.type === 'fault.removed' ? `-${e.id}` : e.type))).toEqual(['+f1', '+f2', '+f3', '-f2', '-f1', '-f3']);
  });

  it('adds a list all or nothing, naming the bad rule', () => {
    const { faults, events } = book();
    let message = '';
    try {
      faults.addAll([{ path: '/ok', status: 500 }, { path: '/bad', status: 500, delay: '1s' }], (i) => `faults[${i}]`);
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain('faults[1]: one action only, got status and delay');
    expect(faults.list()).toEqual([]);
    expect(events).toEqual([]);
  });

  it.each<[string, FaultRuleSpec, RegExp]>([
    ['no action', { path: '/**' }, /no action/],
    ['two actions', { path: '/**', reset: true, hang: true }, /one action only, got reset and hang/],
    ['two limits', { path: '/**', reset: true, times: 1, for: '1s' }, /one limit only, got times and for/],
    ['body without status', { path: '/**', hang: true, body: 'x' }, /body goes with status/],
    ['seed without probability', { path: '/**', hang: true, seed: 1 }, /seed goes with probability/],
    ['unknown cloud', { path: '/**', hang: true, cloud: 'nosuchcloud' }, /cloud nosuchcloud is not one of ec2, openstack/],
    ['bad glob', { path: 'latest', hang: true }, /must start with \//],
    ['delay over an hour', { path: '/**', delay: '2h' }, /at most 1h/],
    ['zero delay', { path: '/**', delay: '0s' }, /above 0/],
  ])('refuses a rule with %s', (_name, spec, reason) => {
    const { faults } = book();
    expect(() => faults.add(spec)).toThrow(reason);
    expect(codeOf(() => faults.add(spec))).toBe('MC_ERR_FAULT_RULE_INVALID');
  });

  it('refuses more rules than its limit', () => {
    const faults = new FaultBook({ now: () => 0, seed: () => 0, clouds: [], publish: () => {}, maxRules: 2 });
    faults.addAll([{ path: '/a', reset: true }, { path: '/b', reset: true }]);
    expect(codeOf(() => faults.add({ path: '/c', reset: true }))).toBe('MC_ERR_FAULT_TOO_MANY');
  });
});
