/**
 * Readiness stages of an instance, in the order a healthy boot reaches them.
 * defined → booting (first console byte) → dhcp (lease) → metadata (first request)
 * → userdata (fetched) → [reported-ready] → ssh (port open and key accepted) → ready.
 */
export type Stage = 'defined' | 'booting' | 'dhcp' | 'metadata' | 'userdata' | 'reported-ready' | 'ssh' | 'ready';
export const STAGES: readonly Stage[] = ['defined', 'booting', 'dhcp', 'metadata', 'userdata', 'reported-ready', 'ssh', 'ready'];

/**
 * Stages only some clouds' guests pass: recorded when seen, never implied by a later stage and never
 * waited for. `reported-ready`: the guest told its cloud that provisioning is done (Azure's health report
 * to the wireserver, which ends cloud-init's Azure provisioning).
 */
const OPTIONAL_STAGES: ReadonlySet<Stage> = new Set<Stage>(['reported-ready']);

export function isOptionalStage(stage: Stage): boolean {
  return OPTIONAL_STAGES.has(stage);
}

export interface StageState {
  stage: Stage;
  /** Epoch ms each stage was reached; `defined` is set at creation. */
  reached: Partial<Record<Stage, number>>;
  /** Stages recorded because a later one was observed first. */
  implied: Stage[];
  /** Epoch ms the guest was (last) started; null until then. */
  startedAt: number | null;
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

/** True when `reached` is at or past `wanted`. */
export function hasReached(reached: Stage, wanted: Stage): boolean {
  return stageIndex(reached) >= stageIndex(wanted);
}
