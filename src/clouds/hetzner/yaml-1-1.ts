/**
 * YAML for readers that speak YAML 1.1 (PyYAML's safe_load, which cloud-init uses), in PyYAML's block
 * style: the shape Hetzner's metadata service answers with. Pure.
 *
 * Why not the `yaml` package: its 1.1 mode quotes the ambiguous scalars, but writes control characters
 * (U+007F) and line separators (U+2028) raw, which PyYAML refuses or folds, so vendor data or a key
 * holding one would not come back intact. Here a string is written plain only when it matches a
 * conservative pattern that no YAML 1.1 resolver reads as anything but that string; other single-line
 * printable text is single-quoted, and the rest double-quoted with escapes (PyYAML's own choices). An
 * all-digit MAC such as 52:54:00:12:34:56 is therefore quoted: plain, YAML 1.1 reads it as a
 * sexagesimal integer and cloud-init then matches no NIC.
 */

export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue };

/** The document `value` as YAML text ending in a newline. */
export function toYaml11(value: YamlValue): string {
  return `${lines(value, 0).join('\n')}\n`;
}

function lines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isSequence(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => sequenceItem(item, indent));
  }
  if (isMapping(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) => mappingEntry(key, item, indent));
  }
  return [`${pad}${scalar(value)}`];
}

function mappingEntry(key: string, value: YamlValue, indent: number): string[] {
  const head = `${' '.repeat(indent)}${scalar(key)}:`;
  if (isCollection(value) && !isEmpty(value)) {
    // PyYAML's default: a sequence sits at its key's indentation, a mapping two spaces in.
    return [head, ...lines(value, isSequence(value) ? indent : indent + 2)];
  }
  return [`${head} ${lines(value, 0)[0] ?? ''}`];
}

function sequenceItem(item: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (!isCollection(item) || isEmpty(item)) return [`${pad}- ${lines(item, 0)[0] ?? ''}`];
  // The item's first line takes the dash; the rest keep the indentation the dash adds.
  const inner = isSequence(item) ? item.flatMap((i) => sequenceItem(i, indent + 2)) : lines(item, indent + 2);
  const [first = '', ...rest] = inner;
  return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
}

/**
 * Plain only for text that starts with a letter, holds letters, digits, space and `_./@+=-` (no `:` or
 * `#`, so no mapping or comment can start inside it), no leading, trailing or double space, and is not
 * one of YAML 1.1's boolean or null words. Such text is a string to every YAML 1.1 and 1.2 reader.
 */
const PLAIN = /^[A-Za-z][A-Za-z0-9_./@+=-]*(?: [A-Za-z0-9_./@+=-]+)*$/;
const YAML11_WORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`toYaml11 writes integers only, got ${value}`);
    return String(value);
  }
  if (PLAIN.test(value) && !YAML11_WORDS.has(value.toLowerCase())) return value;
  // PyYAML's choice too: single quotes for one line of printable text, double quotes (escapes) otherwise.
  if (!needsEscapes(value)) return `'${value.replaceAll("'", "''")}'`;
  return doubleQuoted(value);
}

/**
 * Whether `text` holds a character PyYAML's reader refuses (C0/C1 controls, DEL, U+FFFE/U+FFFF, half a
 * UTF-16 pair) or reads as a line break (LF, CR, NEL, LS, PS): such text is double-quoted with escapes.
 */
export function needsEscapes(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff) return true;
    // for…of yields a lone surrogate as a one-unit string; a valid pair as one code point above U+FFFF.
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/**
 * A double-quoted scalar: JSON's escapes (all valid in YAML; they cover C0 controls, quotes, backslashes
 * and lone surrogates), plus \u escapes for the rest of what needsEscapes names.
 */
function doubleQuoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isSequence(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function isMapping(value: YamlValue): value is { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCollection(value: YamlValue): value is readonly YamlValue[] | { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: readonly YamlValue[] | { readonly [key: string]: YamlValue }): boolean {
  return isSequence(value) ? value.length === 0 : Object.keys(value).length === 0;
}
