import type { Datasource } from '../domain/instance.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { Stage } from '../domain/stages.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CheckResult } from './check-result.js';
import type { ProfileName } from './profiles.js';
import type { SmokeFaultReport } from './smoke-faults.js';

/**
 * The JSON report of a smoke run (`--report FILE.json`), schema `minicloud-smoke/1`. Pure builder:
 * the runner gathers the facts, buildSmokeReport decides the result and the exit code.
 */
export interface SmokeInstanceReport {
  id: string;
  /** The instance's uuid (OpenStack's id; the SMBIOS uuid of most clouds). */
  uuid: string;
  name: string;
  ip: string;
  /** ms from the instance's start to each readiness stage it reached. */
  stageDurations: Partial<Record<Stage, number>>;
  /** Last console lines and this instance's metadata requests: the evidence a failure carries. */
  consoleTail: string[];
  metadataRequests: MetadataRequestRecord[];
}

export interface SmokeReport {
  schema: 'minicloud-smoke/1';
  runId: string;
  image: string;
  profile: { name: ProfileName; reason: string };
  datasource: Datasource;
  count: number;
  accelerator: 'kvm' | 'tcg' | null;
  netns: string;
  /** ISO 8601. */
  startedAt: string;
  wallMs: number;
  result: 'passed' | 'failed';
  exitCode: number;
  /** The first failure (or the error that stopped the run), with its catalogue code. */
  error: { code: string; message: string; hint: string | null } | null;
  /** Duration of every phase of the run, in ms, in the order they ran. */
  phases: Record<string, number>;
  instances: SmokeInstanceReport[];
  checks: CheckResult[];
  /**
   * The cloud's fault rules (`--faults FILE`, and minicloud.yaml's `faults:`), each with its hits and the
   * first requests it shaped; empty without a fault scenario. Informational: the checks judge the boot.
   */
  faults: SmokeFaultReport[];
  /** What teardown left behind (empty when clean). */
  leftovers: string[];
  artifacts: { dir: string; files: string[] };
}

export interface SmokeReportInput extends Omit<SmokeReport, 'schema' | 'result' | 'exitCode' | 'error'> {
  /** An error that ended the run before or outside the checks (cloud did not start, interrupted). */
  runError: { code: string; message: string; hint: string | null; exit: number } | null;
}

/**
 * Result and exit code: a run error wins (it stopped the checks); otherwise the first failed check
 * in boot order names the cause, and its exit code is the run's (4, 5, 6 or 7).
 */
export function buildSmokeReport(input: SmokeReportInput): SmokeReport {
  const { runError, ...rest } = input;
  const firstFailure = input.checks.find((c) => c.status === 'failed');
  let error: SmokeReport['error'] = null;
  let exitCode: number = ExitCode.ok;
  if (runError) {
    error = { code: runError.code, message: runError.message, hint: runError.hint };
    exitCode = runError.exit;
  } else if (firstFailure?.failure) {
    error = { code: firstFailure.failure.code, message: firstFailure.message, hint: firstFailure.failure.hint };
    exitCode = firstFailure.failure.exit;
  }
  return { schema: 'minicloud-smoke/1', ...rest, result: exitCode === ExitCode.ok ? 'passed' : 'failed', exitCode, error };
}
