import type { LaunchBody } from '../../api/api-schemas.js';
import { DATASOURCES, type Datasource } from '../../domain/instance.js';
import { effectiveTimeout } from '../../core/readiness-budget.js';
import { formatDuration, parseDuration, parseMemoryMiB, parseSize } from '../../core/units.js';
import { parseWaitFor } from '../../core/wait-for.js';
import { errors } from '../../errors/catalogue.js';
import { cliCloud, err, out, untilSignal } from './cli-context.js';
import { instanceTable } from './cli-format.js';
import { parsePairs, readInputFile, readPublicKey } from './read-input.js';
import { imageArgument } from '../../config/declared-instances.js';
import { waitForInstances } from './wait-for-instances.js';

export interface RunOptions {
  name?: string;
  count: string;
  cpus?: string;
  memory?: string;
  disk?: string;
  datasource?: string;
  userData: string[];
  meta: string[];
  sshKey?: string;
  ip?: string;
  imdsv2?: string;
  waitFor?: string;
  timeout?: string;
  rm?: boolean;
  json?: boolean;
}

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw errors.badResource(flag, `"${value}" is not a positive whole number`);
  return Number(value);
}

/**
 * Flags → the API's launch body. Every flag is checked here, before anything is sent. Flags not given
 * are left out: the cloud's launch defaults (minicloud.yaml `defaults:`) fill them.
 */
export function launchBodyFrom(image: string, opts: RunOptions, cwd = process.cwd()): LaunchBody {
  const datasource = opts.datasource === undefined ? undefined : DATASOURCES.find((d) => d === opts.datasource);
  if (opts.datasource !== undefined && !datasource) throw errors.usage(`--datasource ${opts.datasource}: use one of ${DATASOURCES.join(', ')}`);
  if (opts.imdsv2 !== undefined && opts.imdsv2 !== 'optional' && opts.imdsv2 !== 'required') throw errors.usage(`--imdsv2 ${opts.imdsv2}: use optional or required`);
  return {
    image: imageArgument(image, cwd),
    name: opts.name ?? null,
    count: positiveInt('--count', opts.count),
    ...(opts.cpus !== undefined ? { cpus: positiveInt('--cpus', opts.cpus) } : {}),
    ...(opts.memory !== undefined ? { memoryMiB: parseMemoryMiB(opts.memory, '--memory') } : {}),
    ...(opts.disk !== undefined ? { diskBytes: parseSize(opts.disk, '--disk') } : {}),
    ...(datasource !== undefined ? { datasource: datasource satisfies Datasource } : {}),
    userData: opts.userData.map((f) => Buffer.from(readInputFile(f)).toString('base64')),
    meta: parsePairs('--meta', opts.meta),
    sshKeys: opts.sshKey ? [readPublicKey(opts.sshKey)] : [],
    ip: opts.ip ?? null,
    ...(opts.imdsv2 === 'optional' || opts.imdsv2 === 'required' ? { imdsv2: opts.imdsv2 } : {}),
    removeOnExit: opts.rm === true,
  };
}

/** `minicloud run IMAGE`: launch, optionally wait for stages, print the instances. */
export async function runRun(image: string, opts: RunOptions): Promise<void> {
  const conditions = opts.waitFor ? parseWaitFor(opts.waitFor) : null;
  const userTimeout = opts.timeout === undefined ? null : parseDuration(opts.timeout, '--timeout');
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
      if (!opts.json) err(`ready (${opts.waitFor}) after ${formatDuration(Date.now() - started)}`);
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
