import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestNetns } from './netns.js';

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const DRIVER = join(ROOT, 'test/netns/metadata-clients/cloud-init-datasource.py');
/** Debian's interpreter, where the python3-* packages cloud-init needs are installed (not pyenv's). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Which datasource code path to run: OpenStack, Ec2 on an unknown (non-AWS) platform, Ec2 on AWS. */
export type CloudInitMode = 'openstack' | 'ec2' | 'ec2-aws';

/** What cloud-init's datasource returned (printed by cloud-init-datasource.py). */
export interface CloudInitResult {
  ok: boolean;
  datasource: string;
  cloudName: string;
  instanceId?: string;
  hostname?: string;
  localHostname?: string;
  publicKeys?: string[];
  userDataB64?: string | null;
  metadataAddress?: string;
}

/**
 * Fetches (once; cached outside the checkout, keyed by package version) and unpacks Debian 12's
 * cloud-init 22.4.2 with scripts/fetch-cloud-init.sh, and returns the unpacked root.
 */
export async function ensureCloudInit(): Promise<string> {
  const { stdout } = await execFileAsync(join(ROOT, 'scripts/fetch-cloud-init.sh'), [], { timeout: 120_000 });
  const root = stdout.trim().split('\n').pop();
  if (!root) throw new Error('fetch-cloud-init.sh printed no path');
  return root;
}

/**
 * Runs the real datasource code inside `ns` against http://169.254.169.254 and returns its result
 * with cloud-init's own debug log (stderr), which names every request it made.
 * `workdir` receives cloud-init's paths (cloud_dir, run_dir); it must exist.
 */
export async function runCloudInitDatasource(
  ns: TestNetns,
  cloudInitRoot: string,
  mode: CloudInitMode,
  workdir: string,
): Promise<{ result: CloudInitResult | null; log: string; code: number }> {
  const r = await ns.runStatus(
    'env',
    [
      '-i',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
      `HOME=${workdir}`,
      `PYTHONPATH=${join(cloudInitRoot, 'usr/lib/python3/dist-packages')}`,
      DEBIAN_PYTHON,
      DRIVER,
      mode,
      workdir,
    ],
    { timeoutMs: 90_000 },
  );
  const lastLine = r.stdout.trim().split('\n').pop() ?? '';
  let result: CloudInitResult | null = null;
  if (lastLine.startsWith('{')) result = JSON.parse(lastLine) as CloudInitResult;
  return { result, log: r.stderr, code: r.code };
}
