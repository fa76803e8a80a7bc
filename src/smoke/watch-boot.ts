import type { ApiClient } from '../api/api-client.js';
import { nextStageDeadline } from '../core/readiness-budget.js';
import type { InstanceInfo } from '../core/instance-view.js';
import { formatDuration } from '../core/units.js';
import { hasReached, isOptionalStage, STAGES, type Stage } from '../domain/stages.js';
import { errors } from '../errors/catalogue.js';
import type { ExitCode } from '../errors/exit-codes.js';
import { earlyStageFailure } from './check-verdicts.js';
import type { SmokeProfile } from './profiles.js';

/** How one instance's boot ended, as far as waiting can tell. */
export interface BootOutcome {
  info: InstanceInfo;
  consoleText: string;
  /** null when the guest reached ssh; else the stage it failed at and why (catalogue error). */
  failure: { stage: Stage; code: string; message: string; hint: string | null; exit: ExitCode } | null;
}

export interface WatchOptions {
  client: ApiClient;
  profile: SmokeProfile;
  httpDatasource: boolean;
  /** Epoch ms when the whole run must be over. */
  deadline: number;
  /** Time the controller gets after the boot-finished marker to report a lease or a request. */
  graceMs: number;
  /** Live progress (one line per stage reached). */
  onStage: (instance: string, stage: Stage, elapsedMs: number) => void;
  signal: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function nextStage(stage: Stage): Stage {
  return STAGES.slice(STAGES.indexOf(stage) + 1).find((s) => !isOptionalStage(s)) ?? 'ready';
}

/**
 * Follows every instance until it can be checked: ssh reached and, for images that print one, the
 * boot-finished marker (cirros runs user-data after sshd starts). Ends early, per instance, on what
 * proves a failure: a recorded failure (boot 4, cloud-init 6), a console line or a finished boot
 * without the stage (7), a stage overdue by the controller's budget or the run's deadline (5).
 */
export async function watchBoot(ids: string[], opts: WatchOptions): Promise<BootOutcome[]> {
  const state = new Map(ids.map((id) => [id, { text: '', offset: 0, seen: new Set<Stage>(), finishedAt: null as number | null, outcome: null as BootOutcome | null }]));
  for (;;) {
    if (opts.signal.aborted) throw errors.interrupted('SIGINT');
    for (const [id, s] of state) {
      if (s.outcome) continue;
      const info = await opts.client.info(id);
      const chunk = await opts.client.console(id, s.offset);
      s.text = (s.text + chunk.data.toString('utf8')).slice(-2_000_000);
      s.offset = chunk.nextOffset;
      for (const stage of STAGES) {
        const ms = info.stageDurations[stage];
        if (ms !== undefined && !s.seen.has(stage)) {
          s.seen.add(stage);
          opts.onStage(info.name, stage, ms);
        }
      }
      const now = Date.now();
      if (s.finishedAt === null && opts.profile.markers.bootFinished.test(s.text)) s.finishedAt = now;
      const done = (failure: BootOutcome['failure']) => (s.outcome = { info, consoleText: s.text, failure });

      if (info.failure) {
        const boot = info.failure.exit === 4;
        const err = boot ? errors.smokeBootFailed(info.name, info.failure.message) : errors.smokeGuestInitError(info.name, info.failure.message);
        done({ stage: boot ? nextStage(info.stage) : 'userdata', code: err.code, message: err.message, hint: info.failure.hint ?? err.hint ?? null, exit: err.exitCode });
        continue;
      }
      // Shell user-data runs after sshd on cirros: wait for the end of boot too (at most 30 s more).
      const sshAt = info.startedAt !== null && info.stageDurations.ssh !== undefined ? info.startedAt + info.stageDurations.ssh : null;
      const bootDone = s.finishedAt !== null || opts.profile.userData !== 'shell' || (sshAt !== null && now - sshAt > 30_000);
      if (hasReached(info.stage, 'ssh') && bootDone) {
        done(null);
        continue;
      }
      const early = earlyStageFailure({
        profile: opts.profile,
        consoleText: s.text,
        stage: info.stage,
        httpDatasource: opts.httpDatasource,
        sinceBootFinishedMs: s.finishedAt === null ? null : now - s.finishedAt,
        graceMs: opts.graceMs,
      });
      if (early) {
        const err = errors.smokeCheckFailed(info.name, early.stage, early.detail);
        done({ stage: early.stage, code: err.code, message: err.message, hint: err.hint ?? null, exit: err.exitCode });
        continue;
      }
      const reachedAt = info.startedAt === null ? undefined : info.startedAt + (info.stageDurations[info.stage] ?? 0);
      const budget = nextStageDeadline(info.stage, reachedAt, info.startedAt, info.accelerator);
      if (now > opts.deadline || (budget && now > budget.at)) {
        const waitingFor = budget?.stage ?? nextStage(info.stage);
        const diagnosis = await opts.client.diagnosis(id);
        const waited = formatDuration(now - (reachedAt ?? info.createdAt));
        const err = errors.smokeStageTimeout(info.name, waitingFor, waited, diagnosis?.hint ?? `stuck at ${info.stage}`);
        done({ stage: waitingFor, code: err.code, message: err.message, hint: err.hint ?? null, exit: err.exitCode });
      }
    }
    const outcomes = [...state.values()].map((s) => s.outcome);
    if (outcomes.every((o) => o !== null)) return outcomes;
    await sleep(250);
  }
}
