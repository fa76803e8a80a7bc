import type { InstanceRecord } from '../../domain/instance.js';
import { APPLICATION_JSON, bytesLeaf, dir, OCTET_STREAM, textLeaf, type MetadataDir, type MetadataNode } from '../../metadata/metadata-tree.js';
import { buildVultrV1 } from './vultr-document.js';

/**
 * Everything Vultr's metadata service answers one instance, as a tree (pure):
 * - `/v1.json`: the whole document (buildVultrV1), what cloud-init reads;
 * - `/v1/…`: the same document path by path. Vultr: "indexes end with a `/` and return a listing of
 *   values for the given path; values print the value in plain text". Objects and arrays of objects are
 *   indexes (arrays by position: `/v1/interfaces/0/ipv4/address`); an array of strings (`public-keys`)
 *   is a value, one per line;
 * - `/latest/user-data`: the user-data, byte for byte (Vultr documents it: "the Base64 encoded value is
 *   decoded and returned as text"); absent when there is none.
 * The root lists those three.
 */
export function buildVultrTree(instance: InstanceRecord): MetadataDir {
  const doc = buildVultrV1(instance);
  return dir({
    'v1.json': textLeaf(JSON.stringify(doc), APPLICATION_JSON),
    v1: toNode(doc),
    latest: dir({ 'user-data': instance.userData === null ? undefined : bytesLeaf(instance.userData, OCTET_STREAM) }),
  });
}

function toNode(value: unknown): MetadataNode {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return textLeaf(value.map((v) => String(v)).join('\n'));
    return dir(Object.fromEntries(value.map((v, i) => [String(i), toNode(v)])));
  }
  if (value !== null && typeof value === 'object') {
    return dir(Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toNode(v)])));
  }
  return textLeaf(String(value));
}
