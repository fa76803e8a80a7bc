/**
 * JSON as OCI's instance metadata service prints it: Jackson's DefaultPrettyPrinter (`"key" : value`,
 * objects indented two spaces per nested object, arrays inline: `[ 1, 2 ]`, `[ {` … `}, {` … `} ]`,
 * empty containers `{ }` and `[ ]`). The form of cloud-init's test fixtures, captured with curl on OCI.
 * Only objects deepen the indentation, as in Jackson (its array indenter is inline). Pure.
 */
export function jacksonPretty(value: unknown): string {
  return render(value, 0);
}

function render(value: unknown, nesting: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[ ]';
    return `[ ${value.map((v) => render(v, nesting)).join(', ')} ]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{ }';
    const inner = `\n${'  '.repeat(nesting + 1)}`;
    const body = entries.map(([k, v]) => `${JSON.stringify(k)} : ${render(v, nesting + 1)}`).join(`,${inner}`);
    return `{${inner}${body}\n${'  '.repeat(nesting)}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
