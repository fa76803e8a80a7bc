import { defineError, ExitCode } from '../define-error.js';

/** Errors of the SQLite state store. */
export const storeErrors = {
  storeOpenFailed: defineError('MC_ERR_STORE_OPEN', {
    summary: 'The SQLite state database cannot be opened or created.',
    exit: ExitCode.host,
    message: (path: string, reason: string) => `cannot open the state database ${path}: ${reason}`,
    hint: () => 'Check that the state directory (MINICLOUD_HOME, or --state-dir) is writable, or use another one.',
  }),
  storeTooNew: defineError('MC_ERR_STORE_TOO_NEW', {
    summary: 'The state database was written by a newer minicloud with more migrations.',
    exit: ExitCode.host,
    message: (path: string, found: number, known: number) =>
      `the state database ${path} has schema version ${found}, newer than this minicloud knows (${known})`,
    hint: () => 'Upgrade minicloud, or point MINICLOUD_HOME at another directory.',
  }),
  storeRowInvalid: defineError('MC_ERR_STORE_ROW_INVALID', {
    summary: 'A row read from the state database does not match its schema.',
    exit: ExitCode.internal,
    message: (table: string, key: string, reason: string) => `row ${key} of table ${table} is invalid: ${reason}`,
    hint: () => 'The state database was changed outside minicloud; restore it or remove the row.',
  }),
  storeLogWriteFailed: defineError('MC_ERR_STORE_LOG_WRITE', {
    summary: 'The metadata request log could not be written to the state database (the records stay queued and are retried).',
    exit: ExitCode.host,
    message: (path: string, reason: string) => `cannot write the metadata request log to ${path}: ${reason}`,
    hint: () => 'Check that the state database is writable and that no other process holds its write lock for long.',
  }),
  instanceExists: defineError('MC_ERR_INSTANCE_EXISTS', {
    summary: 'An instance with the same id, name, MAC or IP already exists.',
    exit: ExitCode.usage,
    http: 409,
    message: (what: string, value: string) => `an instance with ${what} ${value} already exists`,
    hint: () => 'Pick another name, or delete the existing instance first (`minicloud delete`).',
  }),
  instanceNotFound: defineError('MC_ERR_INSTANCE_NOT_FOUND', {
    summary: 'No instance has the given id or name.',
    exit: ExitCode.usage,
    http: 404,
    message: (ref: string) => `no instance ${ref}`,
    hint: () => 'List the instances with `minicloud ls`.',
  }),
};
