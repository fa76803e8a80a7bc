import { defineError, ExitCode } from '../define-error.js';

/** Errors of the network area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const networkErrors = {
  networkUnavailable: defineError('MC_ERR_NETWORK_UNAVAILABLE', {
    summary: 'The network subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `network: ${detail}`,
  }),
};
