import { defineError, ExitCode } from '../define-error.js';

/** Errors of the hypervisor area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const hypervisorErrors = {
  hypervisorUnavailable: defineError('MC_ERR_HYPERVISOR_UNAVAILABLE', {
    summary: 'The hypervisor subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `hypervisor: ${detail}`,
  }),
};
