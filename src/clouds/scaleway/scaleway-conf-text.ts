/**
 * `/conf` without `?format=json`: the same document as shell variables, one `NAME=value` a line, as
 * Scaleway's images source it (scw-metadata): nested keys joined by `_` in upper case, a list as its
 * length followed by its items by index (`SSH_PUBLIC_KEYS=2`, `SSH_PUBLIC_KEYS_0_KEY=…`), null as empty,
 * values with anything but `[A-Za-z0-9._:/@-]` single-quoted. Pure. The exact layout of Scaleway's text
 * form is not documented; this follows how its consumers read it (not verified against a live server).
 */
export function scalewayConfText(doc: Record<string, unknown>): string {
  const lines: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) {
      lines.push(`${prefix}=${value.length}`);
      value.forEach((item, i) => walk(`${prefix}_${i}`, item));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix === '' ? k.toUpperCase() : `${prefix}_${k.toUpperCase()}`, v);
    } else {
      lines.push(`${prefix}=${shellWord(value === null || value === undefined ? '' : `${value as string | number | boolean}`)}`);
    }
  };
  walk('', doc);
  return `${lines.join('\n')}\n`;
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9._:/@-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
