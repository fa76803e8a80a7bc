import { isOptionalStage, STAGES, stageIndex, type Stage, type StageState } from '../domain/stages.js';

/**
 * The readiness state machine of one instance, fed by observations. Pure: the controller turns
 * console bytes, leases, metadata requests and ssh probes into observations and stores the state.
 *
 * Stages only move forward. Reaching a stage implies the earlier ones (a metadata request proves the
 * guest booted and has an address), so skipped stages are recorded at the same time, marked implied.
 * `ready` follows `ssh`: the instance is usable.
 */

export type StageObservation =
  /** The hypervisor started the guest: the clock for stage timings starts here. */
  | { kind: 'started'; at: number }
  /** Any bytes on the serial console. */
  | { kind: 'console'; at: number }
  /** A DHCP lease for the instance's MAC. */
  | { kind: 'lease'; at: number; ip: string }
  /** A request from the instance's IP to the metadata server. */
  /** `userData`: the request is the one that hands the guest its user-data in its cloud's API. */
  | { kind: 'metadata'; at: number; path: string; status: number; userData: boolean }
  /** The guest reported its provisioning done to its cloud (Azure's wireserver health report, state Ready). */
  | { kind: 'reported'; at: number }
  /** Port 22 open and the cloud's key accepted. */
  | { kind: 'ssh'; at: number };

export function initialStageState(definedAt: number): StageState {
  return { stage: 'defined', reached: { defined: definedAt }, implied: [], startedAt: null };
}

function stageFor(obs: StageObservation): Stage | null {
  switch (obs.kind) {
    case 'started':
      return null;
    case 'console':
      return 'booting';
    case 'lease':
      return 'dhcp';
    case 'metadata':
      return obs.userData ? 'userdata' : 'metadata';
    case 'reported':
      return 'reported-ready';
    case 'ssh':
      return 'ready';
  }
}

/** Applies one observation; returns the new state and the stages newly reached, in order. */
export function advanceStage(state: StageState, obs: StageObservation): { state: StageState; reached: Stage[] } {
  if (obs.kind === 'started') {
    return { state: { ...state, startedAt: state.startedAt ?? obs.at }, reached: [] };
  }
  const target = stageFor(obs);
  if (target === null || stageIndex(target) <= stageIndex(state.stage)) return { state, reached: [] };
  const reached: Stage[] = [];
  const times = { ...state.reached };
  const implied = [...state.implied];
  for (let i = stageIndex(state.stage) + 1; i <= stageIndex(target); i += 1) {
    const stage = STAGES[i];
    if (stage === undefined) break;
    // A stage only some guests pass is recorded when seen, never implied.
    if (stage !== target && isOptionalStage(stage)) continue;
    times[stage] = obs.at;
    reached.push(stage);
    // `ready` is reached together with `ssh` by definition, not by inference.
    if (stage !== target && !(stage === 'ssh' && target === 'ready')) implied.push(stage);
  }
  return { state: { stage: target, reached: times, implied, startedAt: state.startedAt }, reached };
}

/** Milliseconds from the guest's start to each reached stage (what `info` and the TUI show). */
export function stageDurations(state: StageState): Partial<Record<Stage, number>> {
  const out: Partial<Record<Stage, number>> = {};
  if (state.startedAt === null) return out;
  for (const stage of STAGES) {
    const at = state.reached[stage];
    if (at !== undefined && stage !== 'defined') out[stage] = Math.max(0, at - state.startedAt);
  }
  return out;
}

/** The stage an instance is waiting for next (never an optional one); null when ready. */
export function nextStage(stage: Stage): Stage | null {
  return STAGES.slice(stageIndex(stage) + 1).find((s) => !isOptionalStage(s)) ?? null;
}
