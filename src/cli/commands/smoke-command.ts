import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseDuration, parseMemoryMiB } from '../../core/units.js';
import { DATASOURCES } from '../../domain/instance.js';
import { errors } from '../../errors/catalogue.js';
import { untilSignal } from './cli-context.js';
import { readInputFile } from './read-input.js';
import { parseCheck } from '../../smoke/check-spec.js';
import { chooseProfile } from '../../smoke/profiles.js';
import { runSmoke } from '../../smoke/smoke-runner.js';

export interface SmokeCommandOptions {
  image: string;
  count: string;
  datasource: string;
  userData?: string;
  check: string[];
  profile?: string;
  junit?: string;
  report?: string;
  artifacts: string;
  keepOnFailure?: boolean;
  allowDegraded?: boolean;
  timeout: string;
  memory: string;
  accelerator?: string;
  config?: string;
  json?: boolean;
}

/**
 * `minicloud smoke`: flags → SmokeOptions (every flag checked before anything starts), then the run.
 * Progress goes to stderr; the exit code is the report's (0, or 4/5/6/7 from the first failed
 * check, 2 when the cloud could not start, 130 when interrupted).
 */
export async function runSmokeCommand(opts: SmokeCommandOptions): Promise<void> {
  if (process.getuid?.() !== 0) throw errors.needsRoot('minicloud smoke');
  const datasource = DATASOURCES.find((d) => d === opts.datasource);
  if (!datasource) throw errors.usage(`--datasource ${opts.datasource}: use one of ${DATASOURCES.join(', ')}`);
  if (!/^\d+$/.test(opts.count) || Number(opts.count) < 1) throw errors.badResource('--count', `"${opts.count}" is not a positive whole number`);
  if (opts.accelerator !== undefined && opts.accelerator !== 'kvm' && opts.accelerator !== 'tcg') throw errors.usage(`--accelerator ${opts.accelerator}: use kvm or tcg`);
  const checks = opts.check.map(parseCheck);
  chooseProfile(opts.image, opts.profile); // a bad --profile is a usage error before anything starts
  const timeoutMs = parseDuration(opts.timeout, '--timeout');
  const memoryMiB = parseMemoryMiB(opts.memory, '--memory');
  const userData = opts.userData ? Buffer.from(readInputFile(opts.userData)) : null;
  const looksLikePath = opts.image.includes('/') || /\.(qcow2|raw|img)$/.test(opts.image);

  const stop = untilSignal();
  try {
    const report = await runSmoke({
      image: looksLikePath ? resolve(opts.image) : opts.image,
      count: Number(opts.count),
      datasource,
      memoryMiB,
      userData,
      checks,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.junit ? { junitPath: resolve(opts.junit) } : {}),
      ...(opts.report ? { reportPath: resolve(opts.report) } : {}),
      keepOnFailure: opts.keepOnFailure === true,
      timeoutMs,
      allowDegraded: opts.allowDegraded === true,
      ...(opts.accelerator === 'kvm' || opts.accelerator === 'tcg' ? { accelerator: opts.accelerator } : {}),
      ...(opts.config ? { configPath: resolve(opts.config) } : {}),
      cliArgv: [process.execPath, ...process.execArgv, process.argv[1] ?? 'minicloud'],
      stateRoot: process.env['MINICLOUD_SMOKE_STATE'] ?? tmpdir(),
      artifactsFor: (runId: string) => resolve(opts.artifacts.replace('<run-id>', runId)),
      print: (line) => process.stderr.write(`${line}\n`),
      signal: stop.signal,
    });
    if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    if (report.error) {
      process.stderr.write(`minicloud: error: ${report.error.message} [${report.error.code}]\n`);
      if (report.error.hint) process.stderr.write(`  hint: ${report.error.hint}\n`);
    }
    process.exitCode = stop.signal.aborted ? 130 : report.exitCode;
  } finally {
    stop.cleanup();
  }
}
