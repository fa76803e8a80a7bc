import { readFileSync } from 'node:fs';
import { errors } from '../../errors/catalogue.js';

/** Reads a file named on the command line (`-` = stdin) as bytes, byte for byte. Throws MC_ERR_FILE_UNREADABLE. */
export function readInputFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (err) {
    throw errors.fileUnreadable(path === '-' ? 'stdin' : path, (err as Error).message).causedBy(err);
  }
}

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

/** An OpenSSH public key from FILE (or FILE.pub when FILE is the private key). */
export function readPublicKey(path: string): string {
  let text = new TextDecoder().decode(readInputFile(path)).trim();
  if (text.includes('PRIVATE KEY')) text = new TextDecoder().decode(readInputFile(`${path}.pub`)).trim();
  if (!/^(ssh-|ecdsa-|sk-)/.test(text)) throw errors.fileInvalid(path, 'key', 'not an OpenSSH public key');
  return text;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
