import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { fnv1a } from '../core/ipam.js';
import { errors } from '../errors/catalogue.js';

/**
 * Where a cloud lives and how it is configured. The only module of the controller side that reads
 * process.env (passed in, so tests give their own). `minicloud.yaml` is validated against
 * MinicloudConfigSchema, which is also published as a JSON Schema (docs/minicloud.schema.json) for
 * editor completion; every field has a flag of the same meaning.
 */

const Size = Type.String({ pattern: '^\\d+(\\.\\d+)?\\s*([KMGTkmgt](i?B)?)?$', description: 'size like 256M or 2G' });
const Duration = Type.String({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h)?)+$', description: 'duration like 90s or 5m' });
const DatasourceName = Type.Union([Type.Literal('ec2'), Type.Literal('openstack'), Type.Literal('nocloud'), Type.Literal('configdrive')]);

export const ImageConfigSchema = Type.Object(
  {
    path: Type.String({ description: 'qcow2 or raw disk image' }),
    kernel: Type.Optional(Type.String({ description: 'direct kernel boot: kernel file' })),
    initrd: Type.Optional(Type.String()),
    cmdline: Type.Optional(Type.String()),
    sshUser: Type.Optional(Type.String({ description: 'login user of the image (default root)' })),
  },
  { additionalProperties: false },
);

export const InstanceConfigSchema = Type.Object(
  {
    name: Type.String(),
    image: Type.String(),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    cpus: Type.Optional(Type.Integer({ minimum: 1 })),
    memory: Type.Optional(Size),
    disk: Type.Optional(Size),
    datasource: Type.Optional(DatasourceName),
    userData: Type.Optional(Type.String({ description: 'path to a user-data file' })),
    meta: Type.Optional(Type.Record(Type.String(), Type.String())),
    ip: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const MinicloudConfigSchema = Type.Object(
  {
    cloud: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,15}$', description: 'cloud id: names the bridge alias, firewall chains and guests' })),
    network: Type.Optional(
      Type.Object(
        {
          subnet: Type.Optional(Type.String({ description: 'IPv4 /24 (or larger) for the guests, e.g. 10.77.0.0/24' })),
          bridge: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,15}$' })),
          metadataPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          egress: Type.Optional(Type.Boolean({ description: 'let guests reach beyond the host (MASQUERADE); off by default' })),
        },
        { additionalProperties: false },
      ),
    ),
    defaults: Type.Optional(
      Type.Object(
        {
          cpus: Type.Optional(Type.Integer({ minimum: 1 })),
          memory: Type.Optional(Size),
          disk: Type.Optional(Size),
          datasource: Type.Optional(DatasourceName),
          timeout: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    images: Type.Optional(Type.Record(Type.String(), ImageConfigSchema)),
    instances: Type.Optional(Type.Array(InstanceConfigSchema)),
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
  /** Records the netns `up --netns` created, so `down` removes only what it made. */
  netnsMarkerPath: string;
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
    netnsMarkerPath: join(home, 'netns-created'),
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
