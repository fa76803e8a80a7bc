import type { ErrorDefinition } from '../errors/define-error.js';
import type { ExitCode } from '../errors/exit-codes.js';

/** The outcome of one check on one instance: a JUnit testcase and an entry of the JSON report. */
export interface CheckResult {
  /** Built-in check name (`boot`, `dhcp`, …) or the user's --check value. */
  name: string;
  /** Instance name; `cloud` for checks of the cloud itself (teardown). */
  instance: string;
  status: 'passed' | 'failed' | 'skipped';
  /** How long the check took (for stages: time from start of the instance to the stage). */
  durationMs: number;
  /** One line: what was seen (the reason when failed or skipped). */
  message: string;
  /** On failure: the catalogue code and the exit code it stands for. */
  failure: { code: string; exit: ExitCode; hint: string | null } | null;
}

export function passed(name: string, instance: string, durationMs: number, message: string): CheckResult {
  return { name, instance, status: 'passed', durationMs, message, failure: null };
}

export function skipped(name: string, instance: string, reason: string): CheckResult {
  return { name, instance, status: 'skipped', durationMs: 0, message: reason, failure: null };
}

/** A failed check whose message and exit code come from a catalogue entry (args are the entry's). */
export function failed<A extends unknown[]>(name: string, instance: string, durationMs: number, def: ErrorDefinition<A>, ...args: A): CheckResult {
  const err = def(...args);
  return { name, instance, status: 'failed', durationMs, message: err.message, failure: { code: err.code, exit: err.exitCode, hint: err.hint ?? null } };
}
