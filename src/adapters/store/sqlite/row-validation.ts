import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { errors } from '../../../errors/catalogue.js';

/** A compiled row check: returns the value typed, or throws MC_ERR_STORE_ROW_INVALID naming table, key and reason. */
export function rowValidator<T extends TSchema>(schema: T, table: string): (value: unknown, key: string) => Static<T> {
  const compiled = TypeCompiler.Compile(schema);
  return (value, key) => {
    if (compiled.Check(value)) return value;
    const first = compiled.Errors(value).First();
    const reason = first ? `${first.path || '/'}: ${first.message}` : 'does not match the schema';
    throw errors.storeRowInvalid(table, key, reason);
  };
}

/** JSON.parse for a column; a parse failure is a row error, not a crash. */
export function parseJsonColumn(text: string, table: string, key: string, column: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errors.storeRowInvalid(table, key, `column ${column} is not JSON`).causedBy(err);
  }
}
