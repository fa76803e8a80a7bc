import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';

/** Where a value breaks its schema: a JSON pointer (RFC 6901) and a reason a person can act on. */
export interface SchemaProblem {
  pointer: string;
  reason: string;
}

/**
 * A compiled check returning the first problem, or undefined when the value is valid. The reason
 * prefers the schema's `description` ("expected a MAC address like …") over TypeBox's generic text.
 */
export function schemaChecker(schema: TSchema): (value: unknown) => SchemaProblem | undefined {
  const compiled = TypeCompiler.Compile(schema);
  return (value) => {
    if (compiled.Check(value)) return undefined;
    const error = compiled.Errors(value).First();
    if (!error) return { pointer: '/', reason: 'does not match the schema' };
    const pointer = error.path === '' ? '/' : error.path;
    if (error.type === ValueErrorType.ObjectAdditionalProperties || error.message === 'Unexpected property') {
      return { pointer, reason: 'unknown field (check the spelling; see docs/configuration.md)' };
    }
    if (error.type === ValueErrorType.ObjectRequiredProperty) return { pointer, reason: 'required field is missing' };
    const description = error.schema.description;
    const shown = description === undefined ? error.message.replace(/^Expected/, 'expected') : `expected ${description}`;
    return { pointer, reason: `${shown}, got ${shortJson(error.value)}` };
  };
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
