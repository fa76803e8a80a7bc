import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { loadFaultsFile } from '../../config/load-faults-file.js';
import { errors } from '../../errors/catalogue.js';
import { runSmoke } from '../../smoke/smoke-runner.js';
import type { SmokeCommandOptions } from '../command-flags.js';
import { untilSignal } from './cli-context.js';
import { parsePairs, readInputFile } from './read-input.js';

/**
 * `minicloud smoke`: the flags arrive parsed and checked (src/cli/command-flags.ts), then the run.
 * Progress goes to stderr; the exit code is the report's (0, or 4/5/6/7 from the first failed
 * check, 2 when the cloud could not start, 130 when interrupted). A bad `--faults` file is refused
 * first (exit 1, MC_ERR_FILE_* / MC_ERR_FAULT_*), before anything is created.
 */
export async function runSmokeCommand(opts: SmokeCommandOptions): Promise<void> {
  const faults = opts.faults === undefined ? [] : loadFaultsFile(opts.faults);
  if (process.getuid?.() !== 0) throw errors.needsRoot('minicloud smoke');
  const userData = opts.userData ? Buffer.from(readInputFile(opts.userData)) : null;
  const looksLikePath = opts.image.includes('/') || /\.(qcow2|raw|img)$/.test(opts.image);

  const stop = untilSignal();
  try {
    const report = await runSmoke({
      image: looksLikePath ? resolve(opts.image) : opts.image,
      count: opts.count,
      datasource: opts.datasource,
      memoryMiB: opts.memory,
      userData,
      meta: parsePairs('--meta', opts.meta),
      checks: opts.check,
      ...(opts.profile ? { profile: opts.profile } : {}),
      ...(opts.junit ? { junitPath: resolve(opts.junit) } : {}),
      ...(opts.report ? { reportPath: resolve(opts.report) } : {}),
      keepOnFailure: opts.keepOnFailure === true,
      timeoutMs: opts.timeout,
      allowDegraded: opts.allowDegraded === true,
      ...(opts.accelerator ? { accelerator: opts.accelerator } : {}),
      ...(opts.config ? { configPath: resolve(opts.config) } : {}),
      faults,
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
