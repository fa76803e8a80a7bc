import type { Stage } from '../domain/stages.js';
import type { Accelerator } from '../domain/controller-instance.js';
import { nextStage } from './stage-tracker.js';

/**
 * How long each stage may take after the previous one before the controller calls it stalled and
 * explains why. Values are for KVM; under TCG (software emulation, 5-10x slower to boot on this kind
 * of host, see docs/hypervisors.md "Acceleration") every budget is multiplied by TCG_FACTOR, as tmt does with
 * NON_KVM_TIMEOUT_COEF.
 */
export const STAGE_BUDGET_MS: Record<Exclude<Stage, 'defined'>, number> = {
  booting: 20_000,
  dhcp: 40_000,
  metadata: 20_000,
  userdata: 30_000,
  // Optional (never a next stage, so never a deadline); as long as the step into ssh after it.
  'reported-ready': 60_000,
  ssh: 60_000,
  ready: 5_000,
};

export const TCG_FACTOR = 3;

/** `run --timeout` when none is given, before accelerator scaling. */
const DEFAULT_RUN_TIMEOUT_MS = 120_000;

function accelFactor(accelerator: Accelerator | null): number {
  // Unknown accelerator: assume the slow one; a false "stalled" is worse than a late one.
  return accelerator === 'kvm' ? 1 : TCG_FACTOR;
}

/** The readiness timeout to use: the user's, verbatim, or the default scaled for the accelerator. */
export function effectiveTimeout(userTimeoutMs: number | null, accelerator: Accelerator | null): number {
  return userTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS * accelFactor(accelerator);
}

/**
 * When the instance's next stage is overdue: epoch ms, or null when there is no deadline (not started
 * yet, or ready). Measured from the time the current stage was reached.
 */
export function nextStageDeadline(
  stage: Stage,
  reachedAt: number | undefined,
  startedAt: number | null,
  accelerator: Accelerator | null,
): { stage: Stage; at: number } | null {
  if (startedAt === null) return null;
  const next = nextStage(stage);
  if (next === null || next === 'defined') return null;
  const from = stage === 'defined' ? startedAt : (reachedAt ?? startedAt);
  return { stage: next, at: from + STAGE_BUDGET_MS[next] * accelFactor(accelerator) };
}
