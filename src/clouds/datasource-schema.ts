import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { CLOUD_NAMES } from './registry.js';

/**
 * The schema of a `datasource` field at every edge (minicloud.yaml, instances files, the controller API,
 * SQLite rows): one of the registry's clouds. JSON Schema shows it as an enum for editors.
 */
export function datasourceSchema(description = `one of ${CLOUD_NAMES.join(', ')}`): TUnion<TLiteral<string>[]> {
  return Type.Union(CLOUD_NAMES.map((name) => Type.Literal(name)), { description });
}
