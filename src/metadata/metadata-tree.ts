/**
 * The one tree model behind every listing. A metadata API is a tree of directories and leaves; each
 * directory's listing is rendered from its own entries when the node is built, so every name a listing
 * shows resolves to a node by construction ("every listed name answers 200").
 *
 * Pure: no I/O, no clock. Bodies are built once. Text (values, listings, JSON) is kept as a string:
 * node:http appends a string body to the head and hands the socket one chunk, where a Buffer body is a
 * chunk of its own in the socket's writev: about 1 µs less CPU per request in the metadata app on
 * bench/metadata's host (1.5-2.5 µs for a bare fastify route). Raw bytes (user-data) stay a Buffer.
 */

export interface MetadataLeaf {
  readonly kind: 'leaf';
  /** Text as a string, raw bytes as a Buffer (see above). */
  readonly body: string | Buffer;
  readonly contentType: string;
}

export interface MetadataDir {
  readonly kind: 'dir';
  readonly entries: ReadonlyMap<string, MetadataNode>;
  /** The directory listing, as served (text/plain). */
  readonly listing: string;
}

export type MetadataNode = MetadataLeaf | MetadataDir;

/** EC2 sends exactly `text/plain` (no charset) for every meta-data value and listing. */
export const TEXT_PLAIN = 'text/plain';
export const APPLICATION_JSON = 'application/json';
export const OCTET_STREAM = 'application/octet-stream';

/** A text leaf. Values are served as given: callers must not add a trailing newline (cloud-init splits on it). */
export function textLeaf(value: string, contentType: string = TEXT_PLAIN): MetadataLeaf {
  return { kind: 'leaf', body: value, contentType };
}

export function bytesLeaf(value: Uint8Array, contentType: string): MetadataLeaf {
  return { kind: 'leaf', body: Buffer.from(value.buffer, value.byteOffset, value.byteLength), contentType };
}

/** A JSON leaf, pretty-printed with two spaces the way EC2 prints its JSON documents. */
export function jsonLeaf(value: unknown, contentType: string = TEXT_PLAIN): MetadataLeaf {
  return textLeaf(JSON.stringify(value, null, 2), contentType);
}

export interface DirOptions {
  /**
   * How the listing names an entry, when not `name` (leaf) or `name/` (directory): EC2's
   * `public-keys/` lists `0=keyname` for the directory `0/`.
   */
  listAs?: Readonly<Record<string, string>>;
  /** `sorted` (EC2 and Nova's EC2 tree) or `insertion` (Nova's OpenStack version directory). */
  order?: 'sorted' | 'insertion';
  /** List directories without the trailing `/` (the version lists at `/` and `/openstack`). */
  bareDirNames?: boolean;
}

/** A directory. Entries whose value is undefined are left out, so optional keys read naturally at call sites. */
export function dir(entries: Readonly<Record<string, MetadataNode | undefined>>, opts: DirOptions = {}): MetadataDir {
  const map = new Map<string, MetadataNode>();
  for (const [name, node] of Object.entries(entries)) {
    if (node === undefined) continue;
    if (name === '' || name.includes('/') || name === '.' || name === '..') throw new Error(`invalid metadata entry name ${JSON.stringify(name)}`);
    map.set(name, node);
  }
  const names = [...map.keys()];
  if ((opts.order ?? 'sorted') === 'sorted') names.sort(compareNames);
  const lines = names.map((name) => {
    const custom = opts.listAs?.[name];
    if (custom !== undefined) return custom;
    return map.get(name)?.kind === 'dir' && opts.bareDirNames !== true ? `${name}/` : name;
  });
  return { kind: 'dir', entries: map, listing: lines.join('\n') };
}

/** Code-unit order, like Python's sorted() in Nova: stable across locales. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Walks `segments` from `root`. Empty segments (duplicate or trailing slashes) are skipped; `.` and `..`
 * never match (the tree has no parent links, and the caller rejects them before this anyway).
 */
export function resolveNode(root: MetadataNode, segments: readonly string[]): MetadataNode | undefined {
  let node: MetadataNode = root;
  for (const segment of segments) {
    if (segment === '') continue;
    if (node.kind !== 'dir') return undefined;
    const next = node.entries.get(segment);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

/** What a node answers with: a directory answers with its listing, a leaf with its body. */
export function nodeBody(node: MetadataNode): { body: string | Buffer; contentType: string } {
  return node.kind === 'dir' ? { body: node.listing, contentType: TEXT_PLAIN } : { body: node.body, contentType: node.contentType };
}
