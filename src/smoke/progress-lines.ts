import { formatDuration } from '../core/units.js';
import type { CheckResult } from './check-result.js';
import type { SmokeReport } from './smoke-report.js';

/**
 * The live progress lines of `minicloud smoke` (stderr), one per phase, stage and check, each with
 * its timing, so a CI log shows where the time went. Pure.
 */
const PREFIX = 'smoke';

export function phaseLine(phase: string, ms: number, detail = ''): string {
  return `${PREFIX}  ${phase.padEnd(12)} ${formatDuration(ms).padStart(8)}${detail ? `  ${detail}` : ''}`;
}

export function stageLine(instance: string, stage: string, elapsedMs: number): string {
  return `${PREFIX}  ${instance}: ${stage.padEnd(9)} +${formatDuration(elapsedMs)}`;
}

const MARK: Record<CheckResult['status'], string> = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' };

export function checkLine(c: CheckResult): string {
  const code = c.failure ? ` [${c.failure.code}, exit ${c.failure.exit}]` : '';
  return `${PREFIX}  ${MARK[c.status]} ${c.instance}: ${c.name} (${formatDuration(c.durationMs)}): ${c.message}${code}`;
}

export function summaryLine(r: SmokeReport): string {
  const failed = r.checks.filter((c) => c.status === 'failed').length;
  const passedCount = r.checks.filter((c) => c.status === 'passed').length;
  const skippedCount = r.checks.filter((c) => c.status === 'skipped').length;
  return `${PREFIX}  ${r.result.toUpperCase()}: ${passedCount} passed, ${failed} failed, ${skippedCount} skipped; wall time ${formatDuration(r.wallMs)} (${r.accelerator ?? 'no accelerator'}); exit ${r.exitCode}`;
}
