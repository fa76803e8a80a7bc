import type { MinicloudEvent } from '../domain/events.js';
import type { FaultRule, FaultRuleState, FaultRuleView } from '../domain/fault-rule.js';
import { errors } from '../errors/catalogue.js';
import { compileGlob, pathSegments, type CompiledGlob, type PathSegments } from './fault-glob.js';
import { faultRuleFromSpec, type FaultRuleSpec } from './fault-rule-spec.js';
import { seededRandom } from './seeded-random.js';

/** What a rule is matched against: one request of a known instance (src/metadata/inject-faults.ts). */
export interface FaultSubject {
  /** Upper-case, as the request line has it. */
  method: string;
  /** faultPath(url): no query string, repeated slashes folded. */
  path: string;
  instanceId: string;
  instanceName: string;
  /** The instance's (source) IPv4 address. */
  ip: string;
  /** The instance's datasource. */
  cloud: string;
}

export interface FaultBookDeps {
  /** Epoch ms: when rules are added, first hits, `for` expiry. */
  now: () => number;
  /** A seed for a probability rule that names none (random in production, fixed in tests). */
  seed: () => number;
  /** The clouds a rule's `cloud` may name. */
  clouds: readonly string[];
  /** `fault.added` and `fault.removed` go here (the event bus). */
  publish: (event: MinicloudEvent) => void;
  /** Most rules kept, spent ones included (default 10,000). */
  maxRules?: number;
}

/** One rule with its compiled glob, its PRNG and what it has done. */
interface LiveRule {
  readonly rule: FaultRule;
  readonly glob: CompiledGlob;
  readonly random: (() => number) | null;
  hits: number;
  firstHitAt: number | null;
  state: FaultRuleState;
}

/**
 * The fault rules of one metadata server, in the order they were added, and the decision which one
 * (if any) shapes an answer. Rules are tried in order; the first whose selectors match (method, cloud,
 * instance, then the path glob) and whose limit lets it fire this time wins: `times` counts down,
 * `for` runs from the rule's first hit, `probability` draws from the rule's own PRNG (one draw per
 * request that reaches the rule and matches its selectors, so the same requests in the same order
 * replay the same decisions). A spent or expired rule stays listed (with its hits) until removed.
 * Pure apart from the injected clock, seed source and publish.
 */
export class FaultBook {
  /**
   * How many rules may still fire. The metadata server reads this on every request (one property
   * read and a comparison when there are none); only this class writes it.
   */
  activeCount = 0;
  private rules: LiveRule[] = [];
  private active: LiveRule[] = [];
  private nextNumber = 1;
  private readonly deps: FaultBookDeps;
  private readonly maxRules: number;

  constructor(deps: FaultBookDeps) {
    this.deps = deps;
    this.maxRules = deps.maxRules ?? 10_000;
  }

  /** Adds one rule after the others; MC_ERR_FAULT_RULE_INVALID / _ID_TAKEN / _TOO_MANY. */
  add(spec: FaultRuleSpec, where?: string): FaultRuleView {
    const [view] = this.addAll([spec], where === undefined ? undefined : () => where);
    return view as FaultRuleView;
  }

  /** Adds rules in order, all or none (a file with one bad rule adds nothing). `whereOf(i)` names rule i in errors. */
  addAll(specs: readonly FaultRuleSpec[], whereOf: (index: number) => string = (i) => `fault rule ${i + 1}`): FaultRuleView[] {
    if (this.rules.length + specs.length > this.maxRules) throw errors.faultTooMany(this.maxRules);
    const taken = new Set(this.rules.map((r) => r.rule.id));
    let number = this.nextNumber;
    const addedAt = this.deps.now();
    const fresh: LiveRule[] = specs.map((spec, i) => {
      const where = whereOf(i);
      let id = spec.id;
      if (id === undefined) {
        while (taken.has(`f${number}`)) number++;
        id = `f${number++}`;
      } else if (taken.has(id)) {
        throw errors.faultIdTaken(id);
      }
      taken.add(id);
      const rule = faultRuleFromSpec({ ...spec, id }, { id, addedAt, seed: this.deps.seed, clouds: this.deps.clouds }, where);
      return {
        rule,
        glob: compileGlob(rule.path, where),
        random: rule.limit.kind === 'probability' ? seededRandom(rule.limit.seed) : null,
        hits: 0,
        firstHitAt: null,
        state: 'active',
      };
    });
    this.nextNumber = number;
    this.rules.push(...fresh);
    this.refreshActive();
    const views = fresh.map((live) => this.view(live, addedAt));
    for (const view of views) this.deps.publish({ type: 'fault.added', at: addedAt, rule: view });
    return views;
  }

  /** Removes one rule; MC_ERR_FAULT_NOT_FOUND if no rule has that id. */
  remove(id: string): FaultRuleView {
    const live = this.rules.find((r) => r.rule.id === id);
    if (live === undefined) throw errors.faultNotFound(id);
    const now = this.deps.now();
    const view = this.view(live, now);
    this.rules = this.rules.filter((r) => r !== live);
    this.refreshActive();
    this.deps.publish({ type: 'fault.removed', at: now, id });
    return view;
  }

  /** Removes every rule; returns their ids. */
  clear(): string[] {
    const ids = this.rules.map((r) => r.rule.id);
    for (const id of ids) this.remove(id);
    return ids;
  }

  /** Every rule, oldest first, with its hits and state now. */
  list(): FaultRuleView[] {
    const now = this.deps.now();
    return this.rules.map((live) => this.view(live, now));
  }

  /**
   * The rule that shapes this request's answer (its hit counted, its limit consumed), or null for a
   * normal answer. Callers check `activeCount` first: with no rules this is never called.
   */
  decide(subject: FaultSubject): FaultRule | null {
    let now: number | undefined;
    // Split once, for every rule that gets as far as its path (undefined: not yet).
    let segments: PathSegments | null | undefined;
    for (const live of this.active) {
      if (live.state !== 'active') continue;
      const rule = live.rule;
      if (rule.method !== null && rule.method !== subject.method) continue;
      if (rule.cloud !== null && rule.cloud !== subject.cloud) continue;
      if (rule.instance !== null && rule.instance !== subject.instanceId && rule.instance !== subject.instanceName && rule.instance !== subject.ip) continue;
      if (segments === undefined) segments = pathSegments(subject.path);
      if (!live.glob.matchesSegments(segments)) continue;
      now ??= this.deps.now();
      if (!this.fires(live, now)) continue;
      live.hits++;
      live.firstHitAt ??= now;
      if (rule.limit.kind === 'times' && live.hits >= rule.limit.times) this.retire(live, 'spent');
      return rule;
    }
    return null;
  }

  private fires(live: LiveRule, now: number): boolean {
    const limit = live.rule.limit;
    switch (limit.kind) {
      case 'always':
      case 'times':
        return true;
      case 'for':
        if (live.firstHitAt !== null && now - live.firstHitAt >= limit.forMs) {
          this.retire(live, 'expired');
          return false;
        }
        return true;
      case 'probability':
        return (live.random as () => number)() < limit.probability;
    }
  }

  private retire(live: LiveRule, state: FaultRuleState): void {
    live.state = state;
    this.refreshActive();
  }

  /** A new array (decide may be iterating the old one). */
  private refreshActive(): void {
    this.active = this.rules.filter((r) => r.state === 'active');
    this.activeCount = this.active.length;
  }

  private view(live: LiveRule, now: number): FaultRuleView {
    const { limit } = live.rule;
    const expired = live.state === 'active' && limit.kind === 'for' && live.firstHitAt !== null && now - live.firstHitAt >= limit.forMs;
    return { ...live.rule, hits: live.hits, firstHitAt: live.firstHitAt, state: expired ? 'expired' : live.state };
  }
}
