import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SmokeReport } from '../../../src/smoke/smoke-report.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

/**
 * debian-cloud (cloud-init 22.4.2) booted as an Azure VM that asks for its provisioning media (meta
 * `provisioningMedia=true`), through `minicloud smoke`: the guest gets Azure's provisioning CD (an IDE
 * CD-ROM, its /dev/sr0, holding ovf-env.xml), and cloud-init must read it from there, take the user-data
 * from its CustomData (not from IMDS), run it, and accept ssh. One boot (the QEMU driver: each-cloud's
 * azure boot has no CD); the libvirt path's <disk device='cdrom'> is held by its golden file.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const IMAGE = join(ROOT, 'vm-images/out/debian-cloud/disk.qcow2');
const REQUIREMENTS = { root: true, commands: ['qemu-system-x86_64', 'ip', 'iptables', 'dnsmasq', 'ssh', 'ssh-keygen', 'xorriso'] };

/** cloud-init's own log: it found the media on the CD (both versions log this at DEBUG, which the log keeps). */
const FROM_CD = 'exec:sudo -n grep -q "Found provisioning metadata in /dev/sr0" /var/log/cloud-init.log';
/** The user-data came from the CD's CustomData: cloud-init takes IMDS's only when the OVF has none. */
const NOT_FROM_IMDS = 'exec:! sudo -n grep -q "Retrieved userdata from IMDS" /var/log/cloud-init.log';
/**
 * cloud-init keeps the media's ovf-env.xml in its data dir: minicloud's (a minimal one built from IMDS has no
 * CustomData). 22.4.2 re-serialises it (ElementTree: `<ns1:CustomData>`), so the tag is matched without a prefix.
 */
const KEPT_OVF = 'exec:sudo -n grep -q "CustomData>" /var/lib/waagent/ovf-env.xml';

let work = '';

describeWhen(REQUIREMENTS, 'debian-cloud booted as an Azure VM with its provisioning CD', () => {
  beforeAll(() => {
    if (!existsSync(IMAGE)) throw new Error('vm-images/out/debian-cloud is missing: run `make images`');
    if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `make build`');
    work = mkdtempSync(join(tmpdir(), 'azure-ovf-vm-'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('cloud-init reads ovf-env.xml from /dev/sr0, runs the user-data it carries, ssh works', async () => {
    const reportPath = join(work, 'report.json');
    const configPath = join(work, 'minicloud.yaml');
    writeFileSync(configPath, 'hypervisor:\n  driver: qemu\n');
    const args = ['smoke', '--image', 'debian-cloud', '--datasource', 'azure', '--meta', 'provisioningMedia=true', '--config', configPath, '--memory', '512M', '--timeout', '8m',
      '--check', FROM_CD, '--check', NOT_FROM_IMDS, '--check', KEPT_OVF, '--report', reportPath, '--artifacts', join(work, 'artifacts')];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((res, rej) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, MINICLOUD_SMOKE_STATE: work }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('error', rej);
      child.once('exit', (c) => res({ code: c, stderr: err }));
    });
    process.stdout.write(`\n$ minicloud ${args.join(' ')}  (exit ${code})\n${stderr}`);
    expect(existsSync(reportPath), stderr).toBe(true);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SmokeReport;
    const consoleFile = report.artifacts.files.find((f) => f.startsWith('console-'));
    const consoleText = consoleFile ? readFileSync(join(report.artifacts.dir, consoleFile), 'utf8') : '';
    expect(report.checks.filter((c) => c.status === 'failed'), `${stderr}\n${consoleText.slice(-6000)}`).toEqual([]);
    expect(code, stderr).toBe(0);
    const passed = report.checks.filter((c) => c.status === 'passed').map((c) => c.name);
    expect(passed).toEqual(expect.arrayContaining(['userdata', 'ssh', 'cloud-init', 'metadata', FROM_CD, NOT_FROM_IMDS, KEPT_OVF]));
    expect(consoleText).toMatch(/Cloud-init v\. \S+ finished at .* Datasource DataSourceAzure/);
  }, 600_000);
});
