/**
 * The tree model of GCE's metadata server. Unlike the EC2 and Nova trees (src/metadata/metadata-tree.ts),
 * every GCE node answers in two forms: text (`alt=text`) and JSON (`alt=json`), and a directory also
 * answers with all it holds (`?recursive=true`), as one JSON document or as `path value` lines. So a
 * value carries both of its forms, and a directory knows how GCE names its entries in JSON (camelCase:
 * `network-interfaces/` is `networkInterfaces`) and whether it is an indexed list (`disks/0/` → an array).
 *
 * Pure: no I/O, no clock. Renderers build strings on demand; callers memoise the answers they send.
 */

export interface GceValue {
  readonly kind: 'value';
  /** The `alt=text` form: a string as is, a list one element per line. */
  readonly text: string;
  /** The `alt=json` form: a JSON string, number, array or document. */
  readonly json: string;
  /** What GCE sends without `alt`: text for strings and numbers, JSON for some lists and documents (`tags`, `token`). */
  readonly defaultAlt: 'text' | 'json';
  /** The lines a recursive `alt=text` answer shows for it: the value itself, or one per list element. */
  readonly textLines: readonly string[];
  /** Listed, but left out of its directory's recursive answers (GCE never puts the access token there). */
  readonly hiddenInRecursive: boolean;
}

export interface GceDir {
  readonly kind: 'dir';
  /** Entries by the name paths and listings use (`machine-type`, `0`, an attribute key). */
  readonly entries: ReadonlyMap<string, GceNode>;
  /** An indexed list (`disks/`, `network-interfaces/`): a JSON array in recursive answers. */
  readonly isArray: boolean;
  /** Entry names as members of the recursive JSON: camelCase (GCE's own keys) or verbatim (attribute keys, emails). */
  readonly memberNames: 'camel' | 'verbatim';
}

export type GceNode = GceValue | GceDir;

/** A string value. */
export function textValue(value: string): GceValue {
  return { kind: 'value', text: value, json: JSON.stringify(value), defaultAlt: 'text', textLines: [value], hiddenInRecursive: false };
}

/**
 * A number, given as its decimal digits: GCE's ids have 19 digits, beyond what a JS number holds exactly,
 * so the JSON form is written from the digits themselves.
 */
export function numberValue(digits: string): GceValue {
  if (!/^(0|[1-9]\d*)$/.test(digits)) throw new Error(`numberValue: not a decimal integer: ${JSON.stringify(digits)}`);
  return { kind: 'value', text: digits, json: digits, defaultAlt: 'text', textLines: [digits], hiddenInRecursive: false };
}

/** A list of strings: text is one per line (each ending in a newline), JSON an array. */
export function listValue(items: readonly string[], defaultAlt: 'text' | 'json'): GceValue {
  return {
    kind: 'value',
    text: items.map((item) => `${item}\n`).join(''),
    json: JSON.stringify(items),
    defaultAlt,
    textLines: items,
    hiddenInRecursive: false,
  };
}

/** A JSON document answered as JSON whatever `alt` says (the service-account token). */
export function documentValue(doc: unknown, opts: { hiddenInRecursive: boolean }): GceValue {
  const json = JSON.stringify(doc);
  return { kind: 'value', text: json, json, defaultAlt: 'json', textLines: [json], hiddenInRecursive: opts.hiddenInRecursive };
}

/** A directory; entries whose value is undefined are left out, so optional keys read naturally at call sites. */
export function gceDir(entries: Readonly<Record<string, GceNode | undefined>>, memberNames: 'camel' | 'verbatim' = 'camel'): GceDir {
  const map = new Map<string, GceNode>();
  for (const [name, node] of Object.entries(entries)) if (node !== undefined) map.set(checkedName(name), node);
  return { kind: 'dir', entries: map, isArray: false, memberNames };
}

/** An indexed list of directories (`0/`, `1/`, …). */
export function gceArrayDir(items: readonly GceNode[]): GceDir {
  return { kind: 'dir', entries: new Map(items.map((node, i) => [String(i), node])), isArray: true, memberNames: 'verbatim' };
}

function checkedName(name: string): string {
  if (name === '' || name.includes('/') || name === '.' || name === '..') throw new Error(`invalid GCE metadata entry name ${JSON.stringify(name)}`);
  return name;
}

/** Walks `segments` (no empty ones) from `root`. */
export function resolveGceNode(root: GceNode, segments: readonly string[]): GceNode | undefined {
  let node: GceNode = root;
  for (const segment of segments) {
    if (node.kind !== 'dir') return undefined;
    const next = node.entries.get(segment);
    if (next === undefined) return undefined;
    node = next;
  }
  return node;
}

/** Entry names in the order GCE lists and serialises them: code-unit order; indexes numerically. */
function orderedNames(dir: GceDir): string[] {
  const names = [...dir.entries.keys()];
  if (dir.isArray) return names.sort((a, b) => Number(a) - Number(b));
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A directory listing: one entry per line, directories with a trailing `/`, each line ending in a newline. */
export function renderListing(dir: GceDir): string {
  return orderedNames(dir)
    .map((name) => (dir.entries.get(name)?.kind === 'dir' ? `${name}/\n` : `${name}\n`))
    .join('');
}

/** `network-interfaces` → `networkInterfaces`. */
function camelName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A node as one compact JSON document: what `?recursive=true` answers for a directory. */
export function renderJson(node: GceNode): string {
  if (node.kind === 'value') return node.json;
  const names = orderedNames(node).filter((name) => !isHidden(node.entries.get(name)));
  if (node.isArray) return `[${names.map((name) => renderJson(node.entries.get(name) as GceNode)).join(',')}]`;
  const members = names.map((name) => [node.memberNames === 'camel' ? camelName(name) : name, name] as const);
  members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${members.map(([member, name]) => `${JSON.stringify(member)}:${renderJson(node.entries.get(name) as GceNode)}`).join(',')}}`;
}

/** A directory as `?recursive=true&alt=text` answers it: one `path value` line per value below it. */
export function renderRecursiveText(dir: GceDir): string {
  const lines: string[] = [];
  const walk = (node: GceNode, prefix: string): void => {
    if (node.kind === 'value') {
      for (const line of node.textLines) lines.push(`${prefix} ${line}\n`);
      return;
    }
    for (const name of orderedNames(node)) {
      const child = node.entries.get(name) as GceNode;
      if (!isHidden(child)) walk(child, prefix === '' ? name : `${prefix}/${name}`);
    }
  };
  for (const name of orderedNames(dir)) {
    const child = dir.entries.get(name) as GceNode;
    if (!isHidden(child)) walk(child, name);
  }
  return lines.join('');
}

function isHidden(node: GceNode | undefined): boolean {
  return node !== undefined && node.kind === 'value' && node.hiddenInRecursive;
}
