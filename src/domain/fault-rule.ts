/**
 * Fault rules: what the metadata server does instead of (or before) its normal answer to the requests a
 * rule matches (docs/faults.md). Pure data; the file/API form is checked and turned into this by
 * src/core/fault-rule-spec.ts, and src/core/fault-book.ts decides which rule, if any, shapes an answer.
 */

/** The one thing a rule does to a request it fires on. */
export type FaultAction =
  /** Answer this status (and body; '' when none was given) instead of the API's answer. */
  | { kind: 'status'; status: number; body: string }
  /** Wait this long, then give the normal answer. */
  | { kind: 'delay'; delayMs: number }
  /** Reset the TCP connection (RST) without answering. */
  | { kind: 'reset' }
  /** Never answer: hold the request until the client gives up or the server closes. */
  | { kind: 'hang' };

/** How long a rule keeps firing. */
export type FaultLimit =
  /** On every request it matches, until removed. */
  | { kind: 'always' }
  /** On the next `times` requests it matches; then it is spent. */
  | { kind: 'times'; times: number }
  /** On every request it matches for `forMs` from its first hit; then it has expired. */
  | { kind: 'for'; forMs: number }
  /** On each request it matches with this probability, drawn from the rule's own PRNG seeded with `seed`. */
  | { kind: 'probability'; probability: number; seed: number };

/** One rule as the server keeps it. */
export interface FaultRule {
  /** `f1`, `f2`… unless the rule named itself. Recorded in the request log's `fault` field. */
  id: string;
  /** Instance name, id or IPv4 address; null: every instance. */
  instance: string | null;
  /** Path glob: `*` is any text within one segment, `**` any number of segments (docs/faults.md). */
  path: string;
  /** Upper-case HTTP method; null: any. */
  method: string | null;
  /** The instance's cloud (its datasource: ec2, openstack…); null: any. */
  cloud: string | null;
  action: FaultAction;
  limit: FaultLimit;
  /** Epoch ms when the rule was added. */
  addedAt: number;
}

/** Whether a rule still fires: `spent` after its `times`, `expired` after its `for`. */
export type FaultRuleState = 'active' | 'spent' | 'expired';

/** A rule with what it has done so far: what `fault ls`, `GET /v1/faults` and the smoke report show. */
export interface FaultRuleView extends FaultRule {
  /** Requests whose answer this rule shaped. */
  hits: number;
  /** Epoch ms of the first hit; null before it. */
  firstHitAt: number | null;
  state: FaultRuleState;
}

/** The request-log `status` of a request that got no HTTP answer (a `reset`, or a `hang` that ended). */
export const NO_ANSWER_STATUS = 0;
