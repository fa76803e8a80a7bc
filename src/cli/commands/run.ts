import type { LaunchBody } from '../../api/api-schemas.js';
import { effectiveTimeout } from '../../core/readiness-budget.js';
import { formatDuration } from '../../core/units.js';
import { describeCondition } from '../../core/wait-for.js';
import type { RunOptions } from '../command-flags.js';
import { cliCloud, err, out, untilSignal } from './cli-context.js';
import { instanceTable } from './cli-format.js';
import { parsePairs, readInputFile, readPublicKey } from './read-input.js';
import { imageArgument } from '../../config/declared-instances.js';
import { waitForInstances } from './wait-for-instances.js';

/**
 * Flags (already parsed and checked by their definitions, src/cli/command-flags.ts) → the API's launch
 * body. Files named by flags are read here. Flags not given are left out: the cloud's launch defaults
 * (minicloud.yaml `defaults:`) fill them.
 */
export function launchBodyFrom(image: string, opts: RunOptions, cwd = process.cwd()): LaunchBody {
  return {
    image: imageArgument(image, cwd),
    name: opts.name ?? null,
    count: opts.count,
    ...(opts.cpus !== undefined ? { cpus: opts.cpus } : {}),
    ...(opts.memory !== undefined ? { memoryMiB: opts.memory } : {}),
    ...(opts.disk !== undefined ? { diskBytes: opts.disk } : {}),
    ...(opts.datasource !== undefined ? { datasource: opts.datasource } : {}),
    userData: opts.userData.map((f) => Buffer.from(readInputFile(f)).toString('base64')),
    meta: parsePairs('--meta', opts.meta),
    sshKeys: opts.sshKey ? [readPublicKey(opts.sshKey)] : [],
    ip: opts.ip ?? null,
    ...(opts.imdsv2 !== undefined ? { imdsv2: opts.imdsv2 } : {}),
    removeOnExit: opts.rm === true,
  };
}

/** `minicloud run IMAGE`: launch, optionally wait for stages, print the instances. */
export async function runRun(image: string, opts: RunOptions): Promise<void> {
  const conditions = opts.waitFor ?? null;
  const userTimeout = opts.timeout ?? null;
  const body = launchBodyFrom(image, opts);
  const { client } = cliCloud();
  const started = Date.now();
  const created = await client.launch(body);
  const ids = created.map((i) => i.id);
  if (!opts.json) for (const i of created) err(`launched ${i.name} (${i.id}) at ${i.ip}`);
  const stop = untilSignal();
  try {
    if (conditions) {
      const status = await client.status();
      const timeoutMs = effectiveTimeout(userTimeout ?? status.defaultTimeoutMs, status.accelerator);
      await waitForInstances(client, ids, conditions, timeoutMs, stop.signal);
      if (!opts.json) err(`ready (${conditions.map(describeCondition).join(',')}) after ${formatDuration(Date.now() - started)}`);
    }
    const infos = await Promise.all(ids.map((id) => client.info(id)));
    if (opts.json) out(JSON.stringify(infos, null, 2));
    else out(instanceTable(infos, Date.now()));
  } finally {
    stop.cleanup();
    // --rm with --wait-for: the run is the instance's whole life, pass or fail.
    if (opts.rm && conditions) for (const id of ids) await client.remove(id);
  }
}
