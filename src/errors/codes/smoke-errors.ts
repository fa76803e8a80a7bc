import { defineError, ExitCode } from '../define-error.js';

/**
 * Errors of `minicloud smoke` (docs/ci.md). A failed check carries its own exit code (4 boot, 5 a stage
 * not reached in time, 6 the guest's init reported an error, 7 any other check); the run ends with
 * the code of the first failed check in boot order, so the code names the earliest cause.
 */
export const smokeErrors = {
  smokeBadCheck: defineError('MC_ERR_SMOKE_BAD_CHECK', {
    summary: 'A --check value is not exec:CMD, console:/regex/ or http:PORT/path.',
    exit: ExitCode.usage,
    message: (value: string, reason: string) => `--check ${value}: ${reason}`,
    hint: () => "Write checks as --check 'exec:CMD', --check 'console:/regex/flags' or --check 'http:PORT/path'.",
  }),
  smokeBadProfile: defineError('MC_ERR_SMOKE_BAD_PROFILE', {
    summary: 'The --profile value names a profile that does not exist.',
    exit: ExitCode.usage,
    message: (value: string, known: string) => `--profile ${value}: unknown profile (use ${known})`,
    hint: () => 'Leave --profile out to choose from the image name, or pick one of the listed profiles.',
  }),
  smokeCloudStartFailed: defineError('MC_ERR_SMOKE_CLOUD_START', {
    summary: 'The throwaway cloud of a smoke run (`minicloud up --netns`) exited or did not answer before it was up.',
    exit: ExitCode.host,
    message: (netns: string, tail: string) => `the smoke cloud in netns ${netns} did not come up${tail ? `:\n${tail}` : ''}`,
    hint: () => 'Run `minicloud doctor` for what the host lacks; the lines above are the controller log.',
  }),
  smokeBootFailed: defineError('MC_ERR_SMOKE_BOOT_FAILED', {
    summary: 'The guest of a smoke run did not start, crashed or powered off before it was checked.',
    exit: ExitCode.boot,
    message: (instance: string, reason: string) => `smoke: ${instance} did not boot: ${reason}`,
    hint: () => 'See the console tail in the JUnit failure or artifacts/console-*.log (kernel panic, boot loader prompt).',
  }),
  smokeStageTimeout: defineError('MC_ERR_SMOKE_STAGE_TIMEOUT', {
    summary: 'A smoke run gave up waiting for a readiness stage (no proof it failed, only that it took too long).',
    exit: ExitCode.timeout,
    message: (instance: string, stage: string, waited: string, hint: string) => `smoke: ${instance} did not reach ${stage} within ${waited}: ${hint}`,
    hint: () => 'Read the console tail and metadata requests in the report; raise --timeout only if the guest is just slow.',
  }),
  smokeGuestInitError: defineError('MC_ERR_SMOKE_GUEST_INIT_ERROR', {
    summary: "The guest's init (cloud-init, or the cirros user-data runner) reported an error: a user-data script exited non-zero, or cloud-init status is error/degraded.",
    exit: ExitCode.cloudInit,
    message: (instance: string, detail: string) => `smoke: ${instance}: ${detail}`,
    hint: () => 'Fix the user-data (its output is in the console log); use --allow-degraded to accept a degraded cloud-init.',
  }),
  smokeCheckFailed: defineError('MC_ERR_SMOKE_CHECK_FAILED', {
    summary: 'A smoke check failed (the message names it and says what was seen instead).',
    exit: ExitCode.checkFailed,
    message: (instance: string, check: string, detail: string) => `smoke: ${instance}: check ${check} failed: ${detail}`,
    hint: () => 'The JUnit failure and the artifacts directory hold the console tail and the metadata requests.',
  }),
  smokeLeftovers: defineError('MC_ERR_SMOKE_LEFTOVERS', {
    summary: 'After a smoke run tore its cloud down, something it created was still there (netns, link, rule, process, overlay).',
    exit: ExitCode.checkFailed,
    message: (what: string) => `smoke: teardown left things behind: ${what}`,
    hint: () => 'Remove them by hand (`ip netns del`, `kill PID`), then report this as a minicloud bug with the report JSON.',
  }),
};
