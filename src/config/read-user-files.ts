// Files a user names (user-data, public keys), read byte for byte: by the CLI for flags and by `up` for minicloud.yaml.
import { readFileSync } from 'node:fs';
import { errors } from '../errors/catalogue.js';

/** Reads a file named on the command line (`-` = stdin) as bytes, byte for byte. Throws MC_ERR_FILE_UNREADABLE. */
export function readInputFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (err) {
    throw errors.fileUnreadable(path === '-' ? 'stdin' : path, (err as Error).message).causedBy(err);
  }
}

/** An OpenSSH public key from FILE (or FILE.pub when FILE is the private key). */
export function readPublicKey(path: string): string {
  let text = new TextDecoder().decode(readInputFile(path)).trim();
  if (text.includes('PRIVATE KEY')) text = new TextDecoder().decode(readInputFile(`${path}.pub`)).trim();
  if (!/^(ssh-|ecdsa-|sk-)/.test(text)) throw errors.fileInvalid(path, 'key', 'not an OpenSSH public key');
  return text;
}
