import { errors } from '../../errors/catalogue.js';
import { cliCloud, out } from './cli-context.js';
import { parsePairs, readInputFile } from './read-input.js';

/** `minicloud metadata set ID key=value... [--user-data FILE|-]`: the next metadata request sees it. */
export async function runMetadataSet(ref: string, pairs: string[], opts: { userData?: string; json?: boolean }): Promise<void> {
  if (pairs.length === 0 && opts.userData === undefined) throw errors.usage('give key=value pairs and/or --user-data FILE');
  const info = await cliCloud().client.setMetadata(ref, {
    ...(pairs.length > 0 ? { meta: parsePairs('metadata set', pairs) } : {}),
    ...(opts.userData !== undefined ? { userData: Buffer.from(readInputFile(opts.userData)).toString('base64') } : {}),
  });
  out(opts.json ? JSON.stringify(info, null, 2) : `${info.name}: meta ${Object.entries(info.meta).map(([k, v]) => `${k}=${v}`).join(', ') || '--'}; user-data ${info.userDataBytes ?? 0} bytes`);
}
