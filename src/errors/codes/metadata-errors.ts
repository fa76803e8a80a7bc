import { defineError, ExitCode } from '../define-error.js';

/** Errors of the metadata area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const metadataErrors = {
  metadataUnavailable: defineError('MC_ERR_METADATA_UNAVAILABLE', {
    exit: ExitCode.host,
    message: (detail: string) => `metadata: ${detail}`,
  }),
};
