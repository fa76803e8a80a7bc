import { bytesLeaf, dir, OCTET_STREAM, textLeaf, type MetadataDir, type MetadataNode } from '../../metadata/metadata-tree.js';
import type { UpcloudMetadata, UpcloudValue } from './upcloud-metadata.js';

/**
 * UpCloud's "filesystem-like traversable API" under `/metadata/v1/`, made from the same document as
 * `/metadata/v1.json`, so the two never disagree. Pure.
 *
 * As UpCloud lists it: an object is a directory in the document's order; a list of objects is a
 * directory of 1, 2, … (`network/interfaces/1/ip_addresses/1/address`, as clients read it); a list of
 * strings (`public_keys`, `tags`, `dns`) is one value, one item per line; a scalar is its text (`true`,
 * `false`, `""` for null). `user_data` is the instance's raw bytes.
 */
export function upcloudTree(doc: UpcloudMetadata, userData: Uint8Array | null): MetadataDir {
  const root = objectDir(doc);
  const entries: Record<string, MetadataNode> = Object.fromEntries(root.entries);
  entries['user_data'] = bytesLeaf(userData ?? new Uint8Array(0), OCTET_STREAM);
  return dir(entries, { order: 'insertion' });
}

function objectDir(value: { readonly [key: string]: UpcloudValue }): MetadataDir {
  return dir(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, node(v)])), { order: 'insertion' });
}

function node(value: UpcloudValue): MetadataNode {
  if (Array.isArray(value)) {
    const items = value as readonly UpcloudValue[];
    if (items.length > 0 && items.every(isObject)) return dir(Object.fromEntries(items.map((item, i) => [String(i + 1), node(item)])), { order: 'insertion' });
    return textLeaf(items.map(scalarText).join('\n'));
  }
  if (isObject(value)) return objectDir(value);
  return textLeaf(scalarText(value));
}

function isObject(value: UpcloudValue): value is { readonly [key: string]: UpcloudValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalarText(value: UpcloudValue): string {
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
