import { datasourceSchema } from '../clouds/datasource-schema.js';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { FaultRuleSpecSchema } from '../core/fault-rule-spec.js';
import { fnv1a } from '../core/ipam.js';
import { BUILTIN_LAUNCH_DEFAULTS, type LaunchDefaults } from '../core/launch-defaults.js';
import { parseDuration, parseMemoryMiB, parseSize } from '../core/units.js';
import type { Accelerator } from '../domain/controller-instance.js';
import { errors } from '../errors/catalogue.js';

/**
 * Where a cloud lives and how it is configured. The only module of the controller side that reads
 * process.env (passed in, so tests give their own). `minicloud.yaml` is validated against
 * MinicloudConfigSchema, which is also published as a JSON Schema (docs/minicloud.schema.json) for
 * editor completion; every field has a flag of the same meaning.
 */

const Size = Type.String({ pattern: '^\\d+(\\.\\d+)?\\s*([KMGTkmgt](i?B)?)?$', description: 'size like 256M or 2G' });
const Duration = Type.String({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h)?)+$', description: 'duration like 90s or 5m' });
const DatasourceName = datasourceSchema();

/** Which hypervisor driver `up` uses: libvirt, direct QEMU, or libvirt when a daemon can be used. */
export type DriverChoice = 'libvirt' | 'qemu' | 'auto';

const ImageConfigSchema = Type.Object(
  {
    path: Type.String({ description: 'qcow2 or raw disk image' }),
    kernel: Type.Optional(Type.String({ description: 'direct kernel boot: kernel file' })),
    initrd: Type.Optional(Type.String()),
    cmdline: Type.Optional(Type.String()),
    sshUser: Type.Optional(Type.String({ description: 'login user of the image (default root)' })),
  },
  { additionalProperties: false },
);

/** A cloud id (config `cloud:`, flag `up --cloud`): it names the bridge, firewall chains, taps and guests. */
const CLOUD_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,15}$/;

const ImdsV2Mode = Type.Union([Type.Literal('optional'), Type.Literal('required')], { description: 'IMDSv2 tokens: optional (v1 allowed) or required' });
const DriverName = Type.Union([Type.Literal('auto'), Type.Literal('libvirt'), Type.Literal('qemu')], {
  description: 'hypervisor driver; auto = libvirt where a libvirt daemon can be used, qemu otherwise (flag --driver)',
});

export const InstanceConfigSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$', description: 'instance name (with count N: <name>-1 … <name>-N); flag --name' }),
    image: Type.String({ description: 'image name (from images:, or minicirros / debian-cloud) or a path relative to this file' }),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'flag --count' })),
    cpus: Type.Optional(Type.Integer({ minimum: 1, description: 'flag --cpus' })),
    memory: Type.Optional({ ...Size, description: 'flag --memory, e.g. 256M' }),
    disk: Type.Optional({ ...Size, description: 'overlay disk size; flag --disk' }),
    datasource: Type.Optional({ ...DatasourceName, description: 'flag --datasource' }),
    userData: Type.Optional(Type.String({ description: 'path to a user-data file (relative to this file), sent byte for byte; flag --user-data' })),
    meta: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'metadata key/values; flag --meta key=value' })),
    sshKey: Type.Optional(Type.String({ description: 'an extra public key file to inject; flag --ssh-key' })),
    ip: Type.Optional(Type.String({ description: 'pinned IPv4 address (count 1 only); flag --ip' })),
    imdsv2: Type.Optional(ImdsV2Mode),
  },
  { additionalProperties: false, description: 'an instance `up` keeps in existence (created when missing, never deleted by up)' },
);

export const MinicloudConfigSchema = Type.Object(
  {
    cloud: Type.Optional(Type.String({ pattern: CLOUD_ID_PATTERN.source, description: 'cloud id: names the bridge alias, firewall chains and guests; flag up --cloud' })),
    hypervisor: Type.Optional(
      Type.Object(
        {
          driver: Type.Optional(DriverName),
          connect: Type.Optional(Type.String({ description: 'libvirt URI (flag --connect; else LIBVIRT_DEFAULT_URI; else a private libvirtd per cloud)' })),
          accelerator: Type.Optional(Type.Union([Type.Literal('kvm'), Type.Literal('tcg')], { description: 'skip the KVM probe (flag --accelerator)' })),
        },
        { additionalProperties: false },
      ),
    ),
    network: Type.Optional(
      Type.Object(
        {
          subnet: Type.Optional(Type.String({ description: 'IPv4 /24 for the guests, e.g. 10.77.0.0/24 (flag --subnet; default: the first free one)' })),
          bridge: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,15}$', description: 'bridge name (flag --bridge; default mc-<cloud>)' })),
          metadataPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'port of the metadata server on the gateway (flag --metadata-port; default 8775)' })),
          egress: Type.Optional(Type.Boolean({ description: 'let guests reach beyond the host (MASQUERADE); off by default (flag --egress)' })),
        },
        { additionalProperties: false },
      ),
    ),
    defaults: Type.Optional(
      Type.Object(
        {
          cpus: Type.Optional(Type.Integer({ minimum: 1, description: 'run --cpus default (1)' })),
          memory: Type.Optional({ ...Size, description: 'run --memory default (256M)' }),
          disk: Type.Optional({ ...Size, description: 'run --disk default (the image size)' }),
          datasource: Type.Optional({ ...DatasourceName, description: 'run --datasource default (ec2)' }),
          imdsv2: Type.Optional(ImdsV2Mode),
          timeout: Type.Optional({ ...Duration, description: 'run --timeout default (2m, x3 under TCG)' }),
        },
        { additionalProperties: false, description: 'launch defaults for `run` and for instances:' },
      ),
    ),
    images: Type.Optional(Type.Record(Type.String(), ImageConfigSchema, { description: 'named images, usable as `run NAME`' })),
    instances: Type.Optional(Type.Array(InstanceConfigSchema, { description: 'instances `up` creates when they do not exist' })),
    faults: Type.Optional(Type.Array(FaultRuleSpecSchema, { description: 'fault rules the metadata server applies from `up` on (docs/faults.md); `minicloud fault` changes them while it runs' })),
  },
  { additionalProperties: false, $id: 'https://minicloud.dev/schema/minicloud.json', title: 'minicloud.yaml' },
);
export type MinicloudConfig = Static<typeof MinicloudConfigSchema>;

export type Env = Record<string, string | undefined>;

/** $MINICLOUD_HOME, else /var/lib/minicloud for root, else ~/.local/state/minicloud. */
export function minicloudHome(env: Env, uid: number | undefined = process.getuid?.(), home = homedir()): string {
  const fromEnv = env['MINICLOUD_HOME'];
  if (fromEnv) return resolve(fromEnv);
  return uid === 0 ? '/var/lib/minicloud' : join(env['XDG_STATE_HOME'] ?? join(home, '.local', 'state'), 'minicloud');
}

/** Every file of one cloud, derived from its home. */
export interface CloudLayout {
  home: string;
  socketPath: string;
  databasePath: string;
  instancesDir: string;
  networkDir: string;
  sshKeyPath: string;
  logPath: string;
  pidPath: string;
  /**
   * `netns.json`: the namespace `up --netns` runs the cloud in and whether minicloud created it, so
   * `prune` finds a crashed cloud without `--netns` and `down`/`prune` delete only a namespace minicloud
   * made (src/config/netns-record.ts).
   */
  netnsRecordPath: string;
  configPath: string;
}

export function cloudLayout(home: string): CloudLayout {
  return {
    home,
    socketPath: join(home, 'controller.sock'),
    databasePath: join(home, 'state.db'),
    instancesDir: join(home, 'instances'),
    networkDir: join(home, 'network'),
    sshKeyPath: join(home, 'ssh', 'id_ed25519'),
    logPath: join(home, 'controller.log'),
    pidPath: join(home, 'controller.pid'),
    netnsRecordPath: join(home, 'netns.json'),
    configPath: join(home, 'minicloud.yaml'),
  };
}

/** The cloud id when the config names none: stable per home, valid for link aliases and chain names. */
export function defaultCloudId(home: string): string {
  return `mc${(fnv1a(home) >>> 0).toString(16).padStart(8, '0').slice(0, 6)}`;
}

/** Built images (`make images`): $MINICLOUD_IMAGES, else vm-images/out of this package. */
export function imagesDir(env: Env): string {
  const fromEnv = env['MINICLOUD_IMAGES'];
  if (fromEnv) return resolve(fromEnv);
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vm-images', 'out');
}

/** Reads and validates a minicloud.yaml; a missing optional file gives `{}`. Throws MC_ERR_FILE_*. */
export function loadMinicloudConfig(path: string, opts: { optional: boolean }): MinicloudConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (opts.optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw errors.fileUnreadable(path, (err as Error).message).causedBy(err);
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (err) {
    throw errors.fileInvalid(path, '(yaml)', (err as Error).message).causedBy(err);
  }
  const first = Value.Errors(MinicloudConfigSchema, data).First();
  if (first) throw errors.fileInvalid(path, first.path || '/', first.message);
  return data as MinicloudConfig;
}

/** `minicloud up` flags that override minicloud.yaml (one per config field; docs/configuration.md lists them). */
export interface UpFlags {
  cloud?: string;
  bridge?: string;
  subnet?: string;
  metadataPort?: number;
  egress?: boolean;
  driver?: DriverChoice;
  connect?: string;
  accelerator?: Accelerator;
}

/** What `up` runs with: flags over minicloud.yaml over the environment over built-in defaults. */
export interface CloudSettings {
  cloudId: string;
  bridge: string;
  /** Forced subnet; undefined picks the first free /24. */
  subnet: string | undefined;
  metadataPort: number;
  egress: boolean;
  driver: DriverChoice;
  /** libvirt URI to use as is; null lets the libvirt driver run a private libvirtd for the cloud. */
  libvirtUri: string | null;
  /** Forced accelerator; undefined probes KVM. */
  accelerator: Accelerator | undefined;
  defaults: LaunchDefaults;
}

const DEFAULT_METADATA_PORT = 8775;

/** Resolves the settings of a cloud (pure apart from the flag-free parse of sizes and durations). */
export function cloudSettings(config: MinicloudConfig, flags: UpFlags, env: Env, home: string): CloudSettings {
  const cloudId = flags.cloud ?? config.cloud ?? defaultCloudId(home);
  const d = config.defaults ?? {};
  return {
    cloudId,
    bridge: flags.bridge ?? config.network?.bridge ?? `mc-${cloudId}`.slice(0, 15),
    subnet: flags.subnet ?? config.network?.subnet,
    metadataPort: flags.metadataPort ?? config.network?.metadataPort ?? DEFAULT_METADATA_PORT,
    egress: flags.egress ?? config.network?.egress ?? false,
    driver: flags.driver ?? config.hypervisor?.driver ?? 'auto',
    libvirtUri: flags.connect ?? config.hypervisor?.connect ?? env['LIBVIRT_DEFAULT_URI'] ?? null,
    accelerator: flags.accelerator ?? config.hypervisor?.accelerator,
    defaults: {
      cpus: d.cpus ?? BUILTIN_LAUNCH_DEFAULTS.cpus,
      memoryMiB: d.memory === undefined ? BUILTIN_LAUNCH_DEFAULTS.memoryMiB : parseMemoryMiB(d.memory, 'defaults.memory'),
      diskBytes: d.disk === undefined ? BUILTIN_LAUNCH_DEFAULTS.diskBytes : parseSize(d.disk, 'defaults.disk'),
      datasource: d.datasource ?? BUILTIN_LAUNCH_DEFAULTS.datasource,
      imdsv2: d.imdsv2 ?? BUILTIN_LAUNCH_DEFAULTS.imdsv2,
      timeoutMs: d.timeout === undefined ? BUILTIN_LAUNCH_DEFAULTS.timeoutMs : parseDuration(d.timeout, 'defaults.timeout'),
    },
  };
}

/** docs/minicloud.schema.json (written by `make docs`; a unit test checks it is current): for editors and CI linters. */
export function renderMinicloudJsonSchema(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...MinicloudConfigSchema }, null, 2)}\n`;
}
