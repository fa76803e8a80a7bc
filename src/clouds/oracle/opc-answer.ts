import type { PreparedBody } from '../../metadata/instance-views.js';
import { APPLICATION_JSON, TEXT_PLAIN } from '../../metadata/metadata-tree.js';
import { jacksonPretty } from './jackson-json.js';

/**
 * What OCI answers for a path inside one of its documents (`/opc/v2/instance/region`,
 * `/opc/v2/vnics/0/privateIp`, `/opc/v2/instance/metadata/user_data`): the value at that path, a string or
 * number as plain text, an object or array as JSON. Array elements are addressed by index. Null when the
 * path names nothing. Pure.
 */
export function opcAnswer(doc: unknown, path: readonly string[]): PreparedBody | null {
  let node: unknown = doc;
  for (const segment of path) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d{0,5})$/.test(segment)) return null;
      node = node[Number(segment)];
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, segment)) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return null;
    }
    if (node === undefined) return null;
  }
  if (node !== null && typeof node === 'object') return { body: jacksonPretty(node), contentType: APPLICATION_JSON };
  return { body: String(node), contentType: TEXT_PLAIN };
}
