import { errors } from './catalogue.js';
import { ExitCode } from './exit-codes.js';

const exitNames = new Map<number, string>(Object.entries(ExitCode).map(([name, code]) => [code, name]));

/**
 * docs/errors.md, rendered from the catalogue. The file is generated (`make docs`) and a unit test
 * fails when it is out of date, so the docs can never miss a code.
 */
export function renderErrorDocs(): string {
  const rows = Object.values(errors)
    .map((def) => ({ code: def.code, exit: def.exit, http: def.http, summary: def.summary }))
    .sort((a, b) => a.code.localeCompare(b.code));
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/errors/codes/*.ts by `make docs`; do not edit by hand. -->',
    '',
    'Every error minicloud reports on purpose carries one of these codes, printed as',
    '`minicloud: error: <message> [<code>]` followed by a hint that says what to do.',
    'The exit code is the one the CLI returns; HTTP is the status when the error is answered over HTTP.',
    'Set `MINICLOUD_DEBUG=1` to also print the underlying cause.',
    '',
    '| code | exit | HTTP | when |',
    '|---|---|---|---|',
    ...rows.map((r) => `| <a id="${r.code.toLowerCase()}"></a>\`${r.code}\` | ${r.exit} (${exitNames.get(r.exit) ?? '?'}) | ${r.http} | ${r.summary} |`),
    '',
  ];
  return lines.join('\n');
}
