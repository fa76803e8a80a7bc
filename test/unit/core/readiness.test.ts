import { describe, expect, it } from 'vitest';
import { effectiveTimeout, nextStageDeadline, STAGE_BUDGET_MS, TCG_FACTOR } from '../../../src/core/readiness-budget.js';
import { cloudInitErrorLine, diagnose, type DiagnosisInput } from '../../../src/core/readiness-hints.js';

const base: DiagnosisInput = {
  stage: 'booting',
  waitingFor: 'dhcp',
  guestState: 'running',
  datasource: 'ec2',
  delivery: 'metadata-service',
  userDataRequest: /\/user-data\/?(\?|$)/,
  stalledMs: 60_000,
  consoleTail: [],
  requests: [],
  hasUserData: true,
};

function req(path: string, status: number) {
  return { time: 0, instanceId: 'i-1', sourceIp: '10.77.0.10', method: 'GET', path, status, bytes: 0, latencyMs: 1, userAgent: null, tokenUsed: false, flavour: null, fault: null };
}

describe('readiness hints', () => {
  it.each<[string, Partial<DiagnosisInput>, RegExp]>([
    ['no console', { stage: 'defined', waitingFor: 'booting' }, /no console output.*console=ttyS0/],
    ['no DHCP at all', {}, /no DHCP request within 1 m 00 s of boot: is the image's network configured for DHCP\?/],
    ['DHCP sent, no lease', { consoleTail: ['udhcpc: broadcasting discover'] }, /sent DHCP requests but got no lease/],
    ['no metadata request', { stage: 'dhcp', waitingFor: 'metadata' }, /no metadata request within 1 m 00 s of the lease: datasource not detected — check --datasource/],
    ['metadata unreachable', { stage: 'dhcp', waitingFor: 'metadata', consoleTail: ["url_helper.py: Calling 'http://169.254.169.254/2009-04-04/meta-data/instance-id' failed"] }, /could not connect/],
    ['a config drive needs no metadata', { stage: 'dhcp', waitingFor: 'metadata', datasource: 'configdrive', delivery: 'config-drive' }, /as expected for --datasource configdrive/],
    ['404s before user-data', { stage: 'metadata', waitingFor: 'userdata', requests: [req('/openstack/2012-08-10/meta_data.json', 200), req('/openstack/2012-08-10/vendor_data2.json', 404)] }, /404 for \/openstack\/2012-08-10\/vendor_data2.json/],
    ['never asked for user-data', { stage: 'metadata', waitingFor: 'userdata', requests: [req('/latest/meta-data/', 200)] }, /never asked for user-data/],
    ['no ssh', { stage: 'userdata', waitingFor: 'ssh' }, /sshd/],
    ['kernel panic', { guestState: 'shutoff', consoleTail: ['Kernel panic - not syncing: VFS: Unable to mount root fs'] }, /kernel panicked/],
    ['crashed silently', { guestState: 'crashed' }, /crashed before printing anything/],
  ])('%s', (_name, over, hint) => {
    expect(diagnose({ ...base, ...over }).hint).toMatch(hint);
  });

  it.each([
    ['2024-01-01 12:00:00,000 - cc_scripts_user.py[WARNING]: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts)', true],
    ['util.py[WARNING]: Failed running /var/lib/cloud/instance/scripts/runcmd [3]', true],
    ['Cloud-init v. 22.4.2 finished at Mon, 01 Jan 2024', false],
  ])('cloudInitErrorLine(%s)', (line, isError) => {
    expect(cloudInitErrorLine(line) !== null).toBe(isError);
  });
});

describe('readiness budgets', () => {
  it('scale under TCG and keep explicit timeouts', () => {
    expect(effectiveTimeout(null, 'kvm')).toBe(120_000);
    expect(effectiveTimeout(null, 'tcg')).toBe(120_000 * TCG_FACTOR);
    expect(effectiveTimeout(null, null)).toBe(120_000 * TCG_FACTOR);
    expect(effectiveTimeout(5_000, 'tcg')).toBe(5_000);
  });

  it('measure the next deadline from the current stage', () => {
    expect(nextStageDeadline('defined', 0, null, 'kvm')).toBeNull();
    expect(nextStageDeadline('defined', 0, 1000, 'kvm')).toEqual({ stage: 'booting', at: 1000 + STAGE_BUDGET_MS.booting });
    expect(nextStageDeadline('dhcp', 5000, 1000, 'tcg')).toEqual({ stage: 'metadata', at: 5000 + STAGE_BUDGET_MS.metadata * TCG_FACTOR });
    expect(nextStageDeadline('ready', 9000, 1000, 'tcg')).toBeNull();
  });
});
