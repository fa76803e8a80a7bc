import { Type, type Static } from '@sinclair/typebox';
import type { FaultAction, FaultLimit, FaultRule } from '../domain/fault-rule.js';
import { errors } from '../errors/catalogue.js';
import { compileGlob } from './fault-glob.js';
import { MAX_SEED } from './seeded-random.js';
import { parseDuration } from './units.js';

const Duration = Type.String({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h)?)+$', description: 'duration like 500ms, 2s or 1m30s (a bare number is seconds)' });

/**
 * One fault rule as people write it: a `faults:` entry of minicloud.yaml or of a `--faults` file, and
 * the body of `POST /v1/faults` (docs/faults.md, docs/faults.schema.json). The schema checks each
 * field; faultRuleFromSpec checks how they combine (one action, at most one limit).
 */
export const FaultRuleSpecSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$', description: 'the rule\'s id in the request log and `fault ls` (default: f1, f2… in the order rules are added)' })),
    path: Type.String({ minLength: 1, maxLength: 1024, description: 'path glob, required: * is any text within one segment, ** any number of segments, e.g. /latest/meta-data/**' }),
    instance: Type.Optional(Type.String({ minLength: 1, description: 'instance name, id or IPv4 address (default: every instance)' })),
    method: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,16}$', description: 'HTTP method, e.g. GET or PUT (default: any)' })),
    cloud: Type.Optional(Type.String({ minLength: 1, description: "the instance's cloud (its datasource: ec2, openstack…; default: any)" })),
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, description: 'action: answer this status instead' })),
    body: Type.Optional(Type.String({ maxLength: 65536, description: 'with status: the answer\'s body (default: empty)' })),
    delay: Type.Optional({ ...Duration, description: 'action: wait this long, then answer normally, e.g. 2s' }),
    reset: Type.Optional(Type.Literal(true, { description: 'action: reset the connection (TCP RST), no answer' })),
    hang: Type.Optional(Type.Literal(true, { description: 'action: never answer; the request is held until the client gives up or the server closes' })),
    times: Type.Optional(Type.Integer({ minimum: 1, description: 'limit: fire on the next N requests the rule matches' })),
    for: Type.Optional({ ...Duration, description: 'limit: fire for this long, counted from the rule\'s first hit, e.g. 30s' }),
    probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'limit: fire on each matching request with this probability, e.g. 0.2' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_SEED, description: 'with probability: the PRNG seed, so a run replays exactly (default: a random one, shown by `fault ls`)' })),
  },
  { additionalProperties: false, description: 'a fault rule: which requests it matches and the one thing it does to them (docs/faults.md)' },
);
export type FaultRuleSpec = Static<typeof FaultRuleSpecSchema>;

/** The longest delay a rule may add (a longer wait is a hang). */
const MAX_FAULT_DELAY_MS = 3_600_000;

export interface FaultRuleContext {
  /** The id a rule that names none gets. */
  id: string;
  addedAt: number;
  /** A seed for a probability rule that names none. */
  seed: () => number;
  /** The clouds a `cloud:` may name (the registry's). */
  clouds: readonly string[];
}

/**
 * The rule a spec describes, checked: exactly one action, at most one limit, `body` only with
 * `status`, `seed` only with `probability`, a path glob that compiles, a known cloud. Throws
 * MC_ERR_FAULT_RULE_INVALID naming `where` (`faults[2]`, `--status`…). Pure.
 */
export function faultRuleFromSpec(spec: FaultRuleSpec, ctx: FaultRuleContext, where = 'fault rule'): FaultRule {
  const invalid = (reason: string) => errors.faultRuleInvalid(where, reason);
  compileGlob(spec.path, where);
  if (spec.cloud !== undefined && !ctx.clouds.includes(spec.cloud)) throw invalid(`cloud ${spec.cloud} is not one of ${ctx.clouds.join(', ')}`);
  return {
    id: spec.id ?? ctx.id,
    instance: spec.instance ?? null,
    path: spec.path,
    method: spec.method === undefined ? null : spec.method.toUpperCase(),
    cloud: spec.cloud ?? null,
    action: actionOf(spec, invalid),
    limit: limitOf(spec, ctx, invalid),
    addedAt: ctx.addedAt,
  };
}

function actionOf(spec: FaultRuleSpec, invalid: (reason: string) => Error): FaultAction {
  const given = (['status', 'delay', 'reset', 'hang'] as const).filter((k) => spec[k] !== undefined);
  if (given.length !== 1) throw invalid(given.length === 0 ? 'no action: give one of status, delay, reset, hang' : `one action only, got ${given.join(' and ')}`);
  if (spec.body !== undefined && spec.status === undefined) throw invalid('body goes with status');
  if (spec.status !== undefined) return { kind: 'status', status: spec.status, body: spec.body ?? '' };
  if (spec.delay !== undefined) {
    const delayMs = parseDuration(spec.delay, 'delay');
    if (delayMs <= 0 || delayMs > MAX_FAULT_DELAY_MS) throw invalid(`delay ${spec.delay} must be above 0 and at most 1h (a longer wait is a hang)`);
    return { kind: 'delay', delayMs };
  }
  return spec.reset === true ? { kind: 'reset' } : { kind: 'hang' };
}

function limitOf(spec: FaultRuleSpec, ctx: FaultRuleContext, invalid: (reason: string) => Error): FaultLimit {
  const given = (['times', 'for', 'probability'] as const).filter((k) => spec[k] !== undefined);
  if (given.length > 1) throw invalid(`one limit only, got ${given.join(' and ')}`);
  if (spec.seed !== undefined && spec.probability === undefined) throw invalid('seed goes with probability');
  if (spec.times !== undefined) return { kind: 'times', times: spec.times };
  if (spec.for !== undefined) {
    const forMs = parseDuration(spec.for, 'for');
    if (forMs <= 0) throw invalid(`for ${spec.for} must be above 0`);
    return { kind: 'for', forMs };
  }
  if (spec.probability !== undefined) return { kind: 'probability', probability: spec.probability, seed: spec.seed ?? ctx.seed() };
  return { kind: 'always' };
}
