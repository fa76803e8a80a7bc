import { defineError, ExitCode } from '../define-error.js';

/** Errors of the command line itself: flags, arguments, interruption. */
export const cliErrors = {
  usage: defineError('MC_ERR_USAGE', {
    exit: ExitCode.usage,
    message: (detail: string) => detail,
    hint: () => 'Run `minicloud --help` or `minicloud <command> --help` for the accepted flags.',
  }),
  interrupted: defineError('MC_ERR_INTERRUPTED', {
    exit: ExitCode.interrupted,
    message: (signal: string) => `interrupted by ${signal}`,
  }),
};
