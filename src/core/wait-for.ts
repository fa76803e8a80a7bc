import { STAGES, hasReached, type Stage } from '../domain/stages.js';
import { errors } from '../errors/catalogue.js';

/** One `--wait-for` condition: a readiness stage, or a regex the console must match. */
export type WaitCondition = { kind: 'stage'; stage: Stage } | { kind: 'console'; source: string; regex: RegExp };

/**
 * Parses `--wait-for metadata,console:/login:/i`. Commas inside a `console:/…/` regex are kept:
 * the regex runs to its closing slash. Throws MC_ERR_BAD_WAIT_FOR.
 */
export function parseWaitFor(value: string): WaitCondition[] {
  const out: WaitCondition[] = [];
  let rest = value.trim();
  while (rest.length > 0) {
    if (rest.startsWith('console:')) {
      const m = /^console:\/((?:\\.|[^\\/])*)\/([a-z]*)(?:,|$)/.exec(rest);
      if (!m) throw errors.badWaitFor(rest, 'write a console condition as console:/regex/ (flags allowed after the slash)');
      try {
        out.push({ kind: 'console', source: `/${m[1]}/${m[2]}`, regex: new RegExp(m[1] ?? '', m[2]) });
      } catch (err) {
        throw errors.badWaitFor(rest, (err as Error).message).causedBy(err);
      }
      rest = rest.slice(m[0].length);
      continue;
    }
    const comma = rest.indexOf(',');
    const word = (comma < 0 ? rest : rest.slice(0, comma)).trim();
    rest = comma < 0 ? '' : rest.slice(comma + 1);
    if (word === '') continue;
    const stage = STAGES.find((s) => s === word);
    if (!stage || stage === 'defined') throw errors.badWaitFor(word, 'not a stage');
    out.push({ kind: 'stage', stage });
  }
  if (out.length === 0) throw errors.badWaitFor(value, 'empty');
  return out;
}

/** Whether an instance at `stage` with these console lines satisfies every condition. */
export function waitSatisfied(conditions: WaitCondition[], stage: Stage, consoleText: string): boolean {
  return conditions.every((c) => (c.kind === 'stage' ? hasReached(stage, c.stage) : c.regex.test(consoleText)));
}

/** The first unmet condition, for the timeout message. */
export function firstUnmet(conditions: WaitCondition[], stage: Stage, consoleText: string): WaitCondition | null {
  return conditions.find((c) => (c.kind === 'stage' ? !hasReached(stage, c.stage) : !c.regex.test(consoleText))) ?? null;
}

export function describeCondition(c: WaitCondition): string {
  return c.kind === 'stage' ? c.stage : `console:${c.source}`;
}
