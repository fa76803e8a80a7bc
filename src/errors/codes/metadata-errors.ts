import { defineError, ExitCode } from '../define-error.js';

/** Errors of the metadata area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const metadataErrors = {
  metadataUnavailable: defineError('MC_ERR_METADATA_UNAVAILABLE', {
    summary: 'The metadata subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `metadata: ${detail}`,
  }),
};
