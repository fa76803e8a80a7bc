import { CommanderError } from 'commander';
import { ExitCode, isMinicloudError } from '../errors/catalogue.js';

interface Writable {
  write(chunk: string): unknown;
}

/**
 * Prints an error for a person and returns the exit code. A MinicloudError is something the user
 * can act on: message, then its hint. Anything else is a bug in minicloud: print the stack and ask
 * for a report. Set MINICLOUD_DEBUG=1 to see the cause chain of coded errors too.
 */
export function reportError(err: unknown, out: Writable, debug = process.env['MINICLOUD_DEBUG'] === '1'): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument, --help, --version).
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (isMinicloudError(err)) {
    out.write(`minicloud: error: ${err.message} [${err.code}]\n`);
    if (err.hint) out.write(`  hint: ${err.hint}\n`);
    if (debug && err.cause !== undefined) out.write(`  cause: ${formatCause(err.cause)}\n`);
    return err.exitCode;
  }
  out.write(`minicloud: internal error (a bug in minicloud; please report it with this output):\n${formatCause(err)}\n`);
  return ExitCode.internal;
}

function formatCause(cause: unknown): string {
  if (cause instanceof Error) return cause.stack ?? `${cause.name}: ${cause.message}`;
  return String(cause);
}
