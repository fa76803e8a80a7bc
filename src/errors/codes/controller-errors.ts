import { defineError, ExitCode } from '../define-error.js';

/** Errors of the controller area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const controllerErrors = {
  controllerUnavailable: defineError('MC_ERR_CONTROLLER_UNAVAILABLE', {
    summary: 'The controller subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `controller: ${detail}`,
  }),
};
