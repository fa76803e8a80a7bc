import { defineError, ExitCode } from '../define-error.js';

/** Errors of fault rules (docs/faults.md): the rule language, and the rules of a running cloud. */
export const faultErrors = {
  faultRuleInvalid: defineError('MC_ERR_FAULT_RULE_INVALID', {
    summary: 'A fault rule (minicloud.yaml `faults:`, a --faults file, `fault add`, POST /v1/faults) is malformed: a bad path glob, no action or two, two limits, an unknown cloud.',
    exit: ExitCode.usage,
    http: 400,
    message: (where: string, reason: string) => `${where}: ${reason}`,
    hint: () => 'A rule has a path, exactly one of status/delay/reset/hang and at most one of times/for/probability; see docs/faults.md.',
  }),
  faultNotFound: defineError('MC_ERR_FAULT_NOT_FOUND', {
    summary: 'No fault rule of the cloud has the id given to `fault rm` or DELETE /v1/faults/:id.',
    exit: ExitCode.usage,
    http: 404,
    message: (id: string) => `no fault rule ${id}`,
    hint: () => '`minicloud fault ls` lists the rules and their ids.',
  }),
  faultIdTaken: defineError('MC_ERR_FAULT_ID_TAKEN', {
    summary: 'A fault rule names itself with an id another rule of the cloud already has.',
    exit: ExitCode.usage,
    http: 409,
    message: (id: string) => `a fault rule with id ${id} exists already`,
    hint: () => 'Pick another id, leave `id` out (rules are numbered f1, f2…), or remove the other rule first.',
  }),
  faultTooMany: defineError('MC_ERR_FAULT_TOO_MANY', {
    summary: 'Adding the fault rules would pass the limit on rules per server.',
    exit: ExitCode.usage,
    http: 400,
    message: (limit: number) => `more than ${limit} fault rules`,
    hint: () => 'Remove rules that are spent or expired (`minicloud fault rm`), or use fewer, wider globs.',
  }),
};
