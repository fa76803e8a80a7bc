import { defineError, ExitCode } from '../define-error.js';

/** Errors in files the user gives us: config files, instance files, user-data. */
export const configErrors = {
  fileUnreadable: defineError('MC_ERR_FILE_UNREADABLE', {
    summary: 'A file named on the command line or in a config file cannot be read.',
    exit: ExitCode.usage,
    message: (path: string, reason: string) => `cannot read ${path}: ${reason}`,
    hint: () => 'Check the path and its permissions.',
  }),
  fileInvalid: defineError('MC_ERR_FILE_INVALID', {
    summary: 'A config or instances file parses but a field is missing or has a bad value.',
    exit: ExitCode.usage,
    message: (path: string, field: string, reason: string) => `${path}: ${field}: ${reason}`,
    hint: () => 'Fix the field named above; the file format is described in docs/configuration.md.',
  }),
  unknownDatasource: defineError('MC_ERR_UNKNOWN_DATASOURCE', {
    summary: 'A datasource (the cloud a guest is to believe it runs on) that minicloud does not play was asked for.',
    exit: ExitCode.usage,
    http: 400,
    message: (name: string, valid: string) => `unknown datasource "${name}" (use one of: ${valid})`,
    hint: () => 'Pick one of the listed clouds; docs/clouds.md says what each one serves.',
  }),
};
