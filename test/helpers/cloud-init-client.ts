import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { SmbiosIdentity } from '../../src/ports/hypervisor.js';
import { writeGuestDmi } from './guest-dmi.js';
import type { TestNetns } from './netns.js';

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const DRIVER = join(ROOT, 'test/helpers/cloud-init-datasource.py');
/** cloud-init 25.3's `cloudinit/` and `tools/ds-identify`, vendored (test/clients/README.md). */
const TARBALL_25_3 = join(ROOT, 'test/clients/cloud-init-25.3.tar.gz');
/** Debian's interpreter, where the python3-* packages cloud-init needs are installed (not pyenv's). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** The two cloud-init releases minicloud is proven against: Debian 12's and a current one. */
export type CloudInitVersion = '22.4.2' | '25.3';
export const CLOUD_INIT_VERSIONS: readonly CloudInitVersion[] = ['22.4.2', '25.3'];

/** One unpacked cloud-init: its Python tree and its ds-identify. */
export interface CloudInitClient {
  version: CloudInitVersion;
  /** PYTHONPATH holding `cloudinit/`. */
  pythonPath: string;
  /** tools/ds-identify (25.3) or Debian's /usr/lib/cloud-init/ds-identify (22.4.2, with Debian's policy patch). */
  dsIdentify: string;
  /** Debian's /etc/cloud/cloud.cfg (it names no datasource_list, so ds-identify's default list applies). */
  debianCloudCfg: string;
}

function cacheRoot(): string {
  return join(process.env['MINICLOUD_CACHE'] ?? join(homedir(), '.cache/minicloud'), 'clients');
}

/** Debian 12's cloud-init 22.4.2 package, unpacked (never installed) by scripts/fetch-cloud-init.sh. */
async function debianRoot(): Promise<string> {
  const { stdout } = await execFileAsync(join(ROOT, 'scripts/fetch-cloud-init.sh'), [], { timeout: 120_000 });
  const root = stdout.trim().split('\n').pop();
  if (!root) throw new Error('fetch-cloud-init.sh printed no path');
  return root;
}

/** The vendored 25.3 tarball, unpacked once into the cache under its own hash. */
function unpacked25(): string {
  const hash = createHash('sha256').update(readFileSync(TARBALL_25_3)).digest('hex').slice(0, 16);
  const dest = join(cacheRoot(), `cloud-init-25.3-${hash}`);
  if (existsSync(join(dest, '.complete'))) return join(dest, 'cloud-init-25.3');
  mkdirSync(cacheRoot(), { recursive: true });
  const work = mkdtempSync(join(cacheRoot(), '.unpack-'));
  try {
    execFileSyncChecked('tar', ['-xzf', TARBALL_25_3, '-C', work]);
    execFileSyncChecked('touch', [join(work, '.complete')]);
    rmSync(dest, { recursive: true, force: true });
    renameSync(work, dest);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return join(dest, 'cloud-init-25.3');
}

function execFileSyncChecked(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${String(r.status)}): ${r.stderr}`);
}

/** Unpacks (once; cached outside the checkout) and returns the cloud-init of `version`. */
export async function ensureCloudInitClient(version: CloudInitVersion): Promise<CloudInitClient> {
  const debian = await debianRoot();
  const debianCloudCfg = join(debian, 'etc/cloud/cloud.cfg');
  if (version === '22.4.2') {
    return { version, pythonPath: join(debian, 'usr/lib/python3/dist-packages'), dsIdentify: join(debian, 'usr/lib/cloud-init/ds-identify'), debianCloudCfg };
  }
  const tree = unpacked25();
  return { version, pythonPath: tree, dsIdentify: join(tree, 'tools/ds-identify'), debianCloudCfg };
}

/** What cloud-init's datasource returned (printed by cloud-init-datasource.py). */
export interface CloudInitResult {
  ok: boolean;
  dsname: string;
  cloudName: string;
  platform: string;
  subplatform?: string;
  instanceId?: string;
  hostname?: string;
  localHostname?: string | null;
  publicKeys?: string[];
  userDataB64?: string | null;
  vendorDataB64?: string | null;
  networkConfig?: unknown;
  metadata?: unknown;
  /** The datasource's get_config_obj(): config it adds (Exoscale's password, ssh_pwauth, chpasswd). */
  configObj?: unknown;
}

export interface DatasourceRun {
  /** cloud-init's module suffix: Ec2, OpenStack, GCE, Hetzner… */
  datasource: string;
  /** The class to run when it is not DataSource<datasource>. */
  className?: string;
  /** The guest's SMBIOS identity: cloud-init's platform checks read it from a DMI tree built from it. */
  identity: SmbiosIdentity;
  /** `datasource: <Name>:` settings (timeouts, metadata_urls). */
  config?: Record<string, unknown>;
  /** The stand-in ephemeral lease's `fixed-address`: the address the client reaches the service from. */
  leaseAddress?: string;
  /** A systemd-networkd lease file's text, put where the datasource reads networkd's leases (not this host's). */
  networkdLease?: string;
  /** The stand-in lease's option-121 routes, `[destination/prefix, gateway]`, as the cloud's DHCP gives them. */
  leaseRoutes?: readonly (readonly [string, string])[];
}

/**
 * Runs cloud-init's real DataSource<Name> inside `ns` and returns its result with cloud-init's own
 * debug log (stderr), which names every request it made. `workdir` receives cloud-init's paths and the
 * DMI tree; it must exist.
 */
export async function runCloudInitDatasource(
  ns: TestNetns,
  client: CloudInitClient,
  run: DatasourceRun,
  workdir: string,
): Promise<{ result: CloudInitResult | null; log: string; code: number }> {
  const dmi = join(workdir, 'dmi');
  writeGuestDmi(dmi, run.identity);
  const networkdLeases = join(workdir, 'networkd-leases');
  if (run.networkdLease !== undefined) {
    mkdirSync(networkdLeases);
    // Named by ifindex, as systemd-networkd names them.
    writeFileSync(join(networkdLeases, '2'), run.networkdLease);
  }
  const r = await ns.runStatus(
    'env',
    [
      '-i',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
      `HOME=${workdir}`,
      `PYTHONPATH=${client.pythonPath}`,
      DEBIAN_PYTHON,
      DRIVER,
      '--datasource', run.datasource,
      ...(run.className ? ['--class', run.className] : []),
      '--dmi', dmi,
      '--workdir', workdir,
      '--cfg', JSON.stringify(run.config ?? {}),
      ...(run.leaseAddress ? ['--lease-address', run.leaseAddress] : []),
      ...(run.networkdLease !== undefined ? ['--networkd-leases', networkdLeases] : []),
      ...(run.leaseRoutes ? ['--lease-routes', JSON.stringify(run.leaseRoutes)] : []),
    ],
    { timeoutMs: 150_000 },
  );
  const lastLine = r.stdout.trim().split('\n').pop() ?? '';
  let result: CloudInitResult | null = null;
  if (lastLine.startsWith('{')) result = JSON.parse(lastLine) as CloudInitResult;
  return { result, log: r.stderr, code: r.code };
}
