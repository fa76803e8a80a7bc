import type { Datasource, ImdsV2Mode } from '../domain/instance.js';

/**
 * What a launch gets for what it does not say: minicloud.yaml's `defaults:` over the built-in values.
 * The controller owns them (a `run` without --cpus uses the cloud's default, not the CLI's).
 */
export interface LaunchDefaults {
  cpus: number;
  memoryMiB: number;
  /** Overlay size in bytes; null keeps the image's size. */
  diskBytes: number | null;
  datasource: Datasource;
  imdsv2: ImdsV2Mode;
  /** `--wait-for` timeout; null: 2 minutes, x3 under TCG (core/readiness-budget.ts). */
  timeoutMs: number | null;
}

export const BUILTIN_LAUNCH_DEFAULTS: LaunchDefaults = {
  cpus: 1,
  memoryMiB: 256,
  diskBytes: null,
  datasource: 'ec2',
  imdsv2: 'optional',
  timeoutMs: null,
};

/** The launch fields a request may leave out. */
export type DefaultedLaunchFields = Pick<LaunchDefaults, 'cpus' | 'memoryMiB' | 'diskBytes' | 'datasource' | 'imdsv2'>;

/** Fills what a request left out (undefined) from the defaults. Pure. */
export function withLaunchDefaults<T extends Partial<DefaultedLaunchFields>>(req: T, defaults: LaunchDefaults): Omit<T, keyof DefaultedLaunchFields> & DefaultedLaunchFields {
  return {
    ...req,
    cpus: req.cpus ?? defaults.cpus,
    memoryMiB: req.memoryMiB ?? defaults.memoryMiB,
    diskBytes: req.diskBytes === undefined ? defaults.diskBytes : req.diskBytes,
    datasource: req.datasource ?? defaults.datasource,
    imdsv2: req.imdsv2 ?? defaults.imdsv2,
  };
}
