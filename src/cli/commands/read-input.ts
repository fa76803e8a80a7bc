import { errors } from '../../errors/catalogue.js';

export { readInputFile, readPublicKey } from '../../config/read-user-files.js';

/** `key=value` pairs (repeatable flags) into a record. Throws MC_ERR_USAGE. */
export function parsePairs(flag: string, pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw errors.usage(`${flag} ${pair}: expected key=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
