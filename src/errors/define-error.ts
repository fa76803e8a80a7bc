import { ExitCode } from './exit-codes.js';
import { MinicloudError } from './minicloud-error.js';

export interface ErrorSpec<A extends unknown[]> {
  /** One sentence for docs/errors.md: when this error happens. */
  summary: string;
  exit: ExitCode;
  /** HTTP status when answered over HTTP; 500 if absent. */
  http?: number;
  message: (...args: A) => string;
  hint?: (...args: A) => string;
}

/** A factory for one coded error; `code` and `exit` let tests and docs enumerate the catalogue. */
export interface ErrorDefinition<A extends unknown[]> {
  (...args: A): MinicloudError;
  readonly code: string;
  readonly exit: ExitCode;
  readonly http: number;
  readonly summary: string;
  /** The hint with placeholder arguments, for docs/errors.md. */
  readonly spec: ErrorSpec<A>;
}

export function defineError<A extends unknown[]>(code: `MC_ERR_${string}`, spec: ErrorSpec<A>): ErrorDefinition<A> {
  const http = spec.http ?? 500;
  const factory = (...args: A): MinicloudError =>
    new MinicloudError(code, spec.message(...args), spec.exit, http, spec.hint?.(...args));
  return Object.assign(factory, { code, exit: spec.exit, http, summary: spec.summary, spec });
}

export { ExitCode };
