/**
 * Process exit codes. They are part of the CLI's contract (README.md, "Exit codes"):
 * scripts and CI jobs branch on them, so a code never changes meaning.
 */
export const ExitCode = {
  ok: 0,
  /** Bad flags, bad config file, bad input file. The user can fix it by changing what they typed. */
  usage: 1,
  /** The host cannot run a cloud: missing tool, no root, port taken, subnet conflict. */
  host: 2,
  /** The image is missing, unreadable or not a disk image. */
  image: 3,
  /** The guest did not boot (QEMU/libvirt failed, or the guest died). */
  boot: 4,
  /** A readiness stage was not reached in time. */
  timeout: 5,
  /** cloud-init in the guest reported an error. */
  cloudInit: 6,
  /** A smoke-test check failed. */
  checkFailed: 7,
  /** A bug in minicloud: an error that is not in the catalogue. */
  internal: 70,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
