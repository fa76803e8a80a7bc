import type { ExitCode } from './exit-codes.js';

/**
 * The one error type minicloud throws on purpose. Every instance comes from a definition in the
 * catalogue (src/errors/catalogue.ts), so its code is stable and documented in docs/errors.md.
 * Anything else that reaches the top level is a bug and is reported as such.
 */
export class MinicloudError extends Error {
  override readonly name = 'MinicloudError';
  readonly code: string;
  readonly exitCode: ExitCode;
  /** HTTP status when the error is answered over HTTP (metadata server, controller API). */
  readonly httpStatus: number;
  /** What the user can do about it, in one sentence. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, exitCode: ExitCode, httpStatus: number, hint: string | undefined) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
    this.hint = hint;
  }

  /** Attaches the underlying error (kept for `--debug` output and logs); returns this for `throw`. */
  causedBy(cause: unknown): this {
    (this as { cause?: unknown }).cause = cause;
    return this;
  }
}

export function isMinicloudError(err: unknown): err is MinicloudError {
  return err instanceof MinicloudError;
}
