import { defineError, ExitCode } from '../define-error.js';

/** Errors of the images area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const imagesErrors = {
  imagesUnavailable: defineError('MC_ERR_IMAGES_UNAVAILABLE', {
    summary: 'The images subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `images: ${detail}`,
  }),
};
