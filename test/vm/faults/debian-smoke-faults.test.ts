import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import type { SmokeReport } from '../../../src/smoke/smoke-report.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

/**
 * debian-cloud (cloud-init 22.4.2) boots through a fault scenario with `minicloud smoke --faults`, as CI
 * would run it (docs/faults.md): the first 3 GETs under any version's meta-data tree are answered 500.
 * On an AWS-identified guest cloud-init gets its IMDSv2 token (the PUT is not matched), then probes
 * `meta-data/instance-id` under 2021-03-23, 2018-09-24 and 2016-09-02 (reference/real-clients.md §1.3):
 * those are the 3 injected answers; it falls back to 2009-04-04, reads the instance there, finds no
 * `network` key and re-crawls under 2021-03-23 (the rule is spent by then). So the boot must pass every
 * check, and the rule must have exactly 3 hits, each one in the request log with fault=f1. ONE debian boot (2-3 min under TCG): the CI time budget.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const IMAGE = join(ROOT, 'vm-images/out/debian-cloud/disk.qcow2');
const REQUIREMENTS = { root: true, commands: ['qemu-system-x86_64', 'ip', 'iptables', 'dnsmasq', 'ssh', 'ssh-keygen'] };

const SCENARIO = ['faults:', '  - path: /*/meta-data/**', '    method: GET', '    status: 500', '    times: 3', ''].join('\n');
/** How many failed instance-id reads cloud-init's own log has: the guest saw the 3 injected answers. */
const CLOUD_INIT_SAW = "exec:sudo -n grep -c 'meta-data/instance-id raised exception' /var/log/cloud-init.log || true";

let work = '';
let passed = false;

describeWhen(REQUIREMENTS, 'smoke --faults: debian-cloud boots through a flaky IMDS', () => {
  beforeAll(() => {
    if (!existsSync(IMAGE)) throw new Error('vm-images/out/debian-cloud is missing: run `make images`');
    if (!existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `make build`');
    work = mkdtempSync(join(tmpdir(), 'faults-vm-'));
  });
  afterAll(() => {
    // A failed boot keeps its smoke artifacts (console log, the request log, cloud-init's view) for a look.
    if (!passed && work) process.stdout.write(`smoke artifacts kept in ${work}\n`);
    else if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the first 3 meta-data GETs answered 500: smoke passes, f1 has 3 hits, each in the request log and the JUnit with fault f1', async () => {
    const faults = join(work, 'flaky-imds.yaml');
    writeFileSync(faults, SCENARIO);
    const reportPath = join(work, 'report.json');
    const junitPath = join(work, 'junit.xml');
    const args = ['smoke', '--image', 'debian-cloud', '--memory', '512M', '--timeout', '8m', '--faults', faults, '--check', CLOUD_INIT_SAW, '--report', reportPath, '--junit', junitPath, '--artifacts', join(work, 'artifacts')];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((res, rej) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, MINICLOUD_SMOKE_STATE: work }, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.once('error', rej);
      child.once('exit', (exit) => res({ code: exit, stderr: err }));
    });
    process.stdout.write(`\n$ minicloud ${args.join(' ')}  (exit ${code})\n${stderr}`);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SmokeReport;

    // The checks judge the boot: it survived the scenario.
    expect(report.checks.filter((c) => c.status === 'failed'), stderr).toEqual([]);
    expect(code, stderr).toBe(0);
    expect(report.checks.filter((c) => c.status === 'passed').map((c) => c.name)).toEqual(expect.arrayContaining(['metadata', 'userdata', 'ssh', 'local-ipv4', 'cloud-init', 'teardown']));
    expect(report.phases).toHaveProperty('faults');

    // The rule, with its hits: exactly 3 (cloud-init makes many more meta-data GETs than that).
    expect(report.faults.map((f) => [f.id, f.description, f.hits, f.state])).toEqual([['f1', 'GET /*/meta-data/** → status 500, 3 times', 3, 'spent']]);
    expect(stderr).toContain('smoke  fault f1: GET /*/meta-data/** → status 500, 3 times: 3 hits (spent)');

    // The request log (metadata-requests.ndjson is `metadata-log --json`): the 3 injected answers name f1.
    const log = readFileSync(join(report.artifacts.dir, 'metadata-requests.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetadataRequestRecord);
    const injected = log.filter((r) => r.fault !== null);
    const probes = ['2021-03-23', '2018-09-24', '2016-09-02'].map((v) => ['GET', `/${v}/meta-data/instance-id`, 500, 'f1']);
    expect(injected.map((r) => [r.method, r.path, r.status, r.fault])).toEqual(probes);
    expect(report.faults[0]?.requests).toEqual(injected);
    // …and the guest read its metadata after them.
    const after = log.filter((r) => r.time > (injected[2]?.time ?? Infinity) && /\/meta-data\//.test(r.path));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.status === 200 || r.status === 404)).toBe(true);
    process.stdout.write(`injected: ${injected.map((r) => `${r.method} ${r.path} ${r.status} fault ${r.fault}`).join('; ')}\nfirst after: ${after[0]?.method} ${after[0]?.path} ${after[0]?.status}\n`);
    expect(report.checks.find((c) => c.name === CLOUD_INIT_SAW)?.message).toBe('exit 0: 3');

    // The JUnit: a testcase for f1 whose output is its hits and the injected answers as metadata-log lines.
    const junit = readFileSync(junitPath, 'utf8');
    expect(junit).toContain('<property name="fault.f1.hits" value="3"/>');
    const f1 = /<testcase classname="smoke\.debian-cloud\.faults" name="fault f1"[^>]*>\s*<system-out><!\[CDATA\[([\s\S]*?)\]\]>/.exec(junit)?.[1] ?? '';
    expect(f1.split('\n').filter((l) => / GET +500 +ec2 +\/\S+\/meta-data\/\S* .* fault f1$/.test(l))).toHaveLength(3);

    // Nothing of the run is left (the teardown check said so; the netns is gone too).
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(report.netns);
    passed = true;
  }, 12 * 60_000);
});
