/**
 * Readiness stages of an instance, in the order a healthy boot reaches them.
 * defined → booting (first console byte) → dhcp (lease) → metadata (first request)
 * → userdata (fetched) → ssh (port open and key accepted) → ready.
 */
export type Stage = 'defined' | 'booting' | 'dhcp' | 'metadata' | 'userdata' | 'ssh' | 'ready';
export const STAGES: readonly Stage[] = ['defined', 'booting', 'dhcp', 'metadata', 'userdata', 'ssh', 'ready'];

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
