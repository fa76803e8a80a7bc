import { defineError, ExitCode } from '../define-error.js';

/** Errors of the command line itself: flags, arguments, interruption. */
export const cliErrors = {
  usage: defineError('MC_ERR_USAGE', {
    summary: 'A flag or argument on the command line is missing, unknown or malformed.',
    exit: ExitCode.usage,
    message: (detail: string) => detail,
    hint: () => 'Run `minicloud --help` or `minicloud <command> --help` for the accepted flags.',
  }),
  interrupted: defineError('MC_ERR_INTERRUPTED', {
    summary: 'The command was stopped by SIGINT or SIGTERM before it finished.',
    exit: ExitCode.interrupted,
    message: (signal: string) => `interrupted by ${signal}`,
  }),
};
