import { cloudNamed } from '../../../src/clouds/registry.js';
import { describe, expect, it } from 'vitest';
import { errors } from '../../../src/errors/catalogue.js';
import { parseCheck } from '../../../src/smoke/check-spec.js';
import { cloudInitVerdict, earlyStageFailure, localIpv4Verdict, parseCloudInitStatus, passwordVerdict, userDataVerdict } from '../../../src/smoke/check-verdicts.js';
import { chooseProfile, parseProfileName, PROFILES } from '../../../src/smoke/profiles.js';
import { planChecks } from '../../../src/smoke/smoke-plan.js';
import { smokeUserData, userDataMarker } from '../../../src/smoke/smoke-user-data.js';

describe('parseCheck', () => {
  it.each([
    ['exec:test -f /etc/hostname', { kind: 'exec', command: 'test -f /etc/hostname' }],
    ['exec:sh -c "a:b"', { kind: 'exec', command: 'sh -c "a:b"' }],
    ['http:8080/healthz', { kind: 'http', port: 8080, path: '/healthz' }],
    ['http:80', { kind: 'http', port: 80, path: '/' }],
  ])('%s', (value, expected) => {
    expect(parseCheck(value)).toMatchObject({ ...expected, source: value });
  });

  it('compiles console regexes with their flags, dropping the stateful g and y', () => {
    const c = parseCheck('console:/login:\\s*$/mig');
    expect(c.kind === 'console' && c.regex.flags).toBe('im');
    expect(c.kind === 'console' && c.regex.test('host login: ') && c.regex.test('host login: ')).toBe(true);
    expect(parseCheck('console:/a\\/b/')).toMatchObject({ kind: 'console' });
  });

  it.each([
    ['exec:', /needs a command/],
    ['console:login', /console:\/regex\//],
    ['console:/(/', /Invalid regular expression|Unterminated group/],
    ['http:0/x', /port from 1 to 65535/],
    ['http:99999', /port from 1 to 65535/],
    ['http:/path', /http:PORT\/path/],
    ['ping:1.2.3.4', /unknown kind "ping"/],
    ['exec', /needs a command/],
  ])('refuses %s with MC_ERR_SMOKE_BAD_CHECK (exit 1)', (value, message) => {
    let thrown: unknown;
    try {
      parseCheck(value);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: errors.smokeBadCheck.code, exitCode: 1, message: expect.stringMatching(message) });
  });
});

describe('profiles', () => {
  it.each([
    ['minicirros', 'minicirros'],
    ['/srv/images/cirros-0.6.2-x86_64-disk.img', 'cirros'],
    ['debian-cloud', 'cloud-init'],
    ['./ubuntu-24.04.qcow2', 'cloud-init'],
  ])('chooses a profile for %s from its name', (image, profile) => {
    expect(chooseProfile(image, undefined).profile.name).toBe(profile);
  });

  it('--profile forces one, and an unknown one is a usage error', () => {
    expect(chooseProfile('minicirros', 'cloud-init')).toMatchObject({ profile: { name: 'cloud-init' }, reason: 'forced with --profile' });
    expect(() => parseProfileName('windows')).toThrow(/unknown profile \(use cirros, minicirros, cloud-init\)/);
    expect(parseProfileName('cirros')).toBe('cirros');
  });

  it("matches cirros 0.6's own console strings", () => {
    const m = PROFILES.cirros.markers;
    expect(m.dhcpFailed?.test('Starting network: FAIL')).toBe(true);
    expect(m.metadataGaveUp?.test('failed to read iid from metadata. tried 20')).toBe(true);
    expect(m.metadataGaveUp?.test('=== datasource: None None ===')).toBe(true);
    expect(m.bootFinished.test('=== cirros: current=0.6.2 ===\ncirros login: ')).toBe(true);
    expect(m.bootFinished.test("login as 'cirros' user. default password: 'gocubsgo'.")).toBe(false);
  });
});

describe('planChecks', () => {
  const names = (p: ReturnType<typeof planChecks>) => p.filter((c) => c.skip === null).map((c) => c.name);
  it('minicirros over EC2: no password, no cloud-init', () => {
    expect(names(planChecks(PROFILES.minicirros, cloudNamed('ec2')))).toEqual(['boot', 'dhcp', 'metadata', 'userdata', 'ssh', 'local-ipv4', 'console-log']);
  });
  it('a cloud-init image over OpenStack: the password POST and cloud-init status too', () => {
    expect(names(planChecks(PROFILES['cloud-init'], cloudNamed('openstack')))).toEqual(['boot', 'dhcp', 'metadata', 'userdata', 'ssh', 'local-ipv4', 'password', 'cloud-init', 'console-log']);
  });
  it('a config drive needs no metadata request', () => {
    expect(planChecks(PROFILES.minicirros, cloudNamed('configdrive')).find((c) => c.name === 'metadata')?.skip).toMatch(/reads a disk/);
  });
});

describe('generated user-data', () => {
  it('is a #! script for cirros images and #cloud-config for cloud-init; the marker is built at run time', () => {
    const shell = smokeUserData(PROFILES.minicirros, 'tok42');
    expect(shell.startsWith('#!/bin/sh\n')).toBe(true);
    const cc = smokeUserData(PROFILES['cloud-init'], 'tok42');
    expect(cc.startsWith('#cloud-config\n')).toBe(true);
    for (const text of [shell, cc]) expect(text).not.toContain(userDataMarker('tok42'));
  });
});

describe('verdicts', () => {
  const base = { profile: PROFILES.minicirros, marker: userDataMarker('t1'), fetched: true };
  it('user-data: a non-zero exit is a guest init error (exit 6), before the marker is even looked at', () => {
    expect(userDataVerdict({ ...base, consoleText: 'minicirros: running user-data\nminicirros: user-data exited 3\n' })).toEqual({
      ok: false,
      kind: 'init',
      detail: 'the user-data script exited 3 (console: "minicirros: user-data exited 3")',
    });
  });
  it('user-data: the marker proves it ran; without it, says whether it was fetched', () => {
    expect(userDataVerdict({ ...base, consoleText: `${userDataMarker('t1')}\nminicirros: user-data exited 0` }).ok).toBe(true);
    expect(userDataVerdict({ ...base, consoleText: '', markerFileText: `${userDataMarker('t1')}\n` }).ok).toBe(true);
    expect(userDataVerdict({ ...base, consoleText: '' })).toMatchObject({ ok: false, kind: 'check', detail: expect.stringMatching(/fetched its user-data but its marker/) });
    expect(userDataVerdict({ ...base, consoleText: '', fetched: false })).toMatchObject({ ok: false, detail: expect.stringMatching(/never fetched/) });
    expect(userDataVerdict({ ...base, marker: null, consoleText: '' })).toMatchObject({ ok: true });
  });

  it.each([
    ['status: done\n', 0, 'done'],
    ['status: error\ndetail:\nDataSourceOpenStack\nerrors:\n\t- (scripts_user) failed\n', 1, 'error'],
    ['status: done\nextended_status: degraded done\n', 2, 'degraded'],
    ['status: disabled\n', 0, 'disabled'],
    ['', 255, 'unknown'],
  ])('cloud-init status %j (exit %i) is %s', (out, code, state) => {
    expect(parseCloudInitStatus(out, code).state).toBe(state);
  });

  it('cloud-init: error fails with exit 6, degraded fails unless allowed', () => {
    expect(cloudInitVerdict({ state: 'done', detail: '' }, false).ok).toBe(true);
    expect(cloudInitVerdict({ state: 'error', detail: 'x' }, true)).toMatchObject({ ok: false, kind: 'init' });
    expect(cloudInitVerdict({ state: 'degraded', detail: '' }, false)).toMatchObject({ ok: false, kind: 'init', detail: expect.stringMatching(/--allow-degraded/) });
    expect(cloudInitVerdict({ state: 'degraded', detail: '' }, true).ok).toBe(true);
  });

  it('local-ipv4 must equal the lease; the password must come back from the guest and the cloud', () => {
    expect(localIpv4Verdict('10.250.0.10\n', '10.250.0.10').ok).toBe(true);
    expect(localIpv4Verdict('10.250.0.11', '10.250.0.10')).toMatchObject({ ok: false, detail: 'metadata local-ipv4 read in the guest is "10.250.0.11", the lease is 10.250.0.10' });
    expect(passwordVerdict('abc', 'abc', 'abc').ok).toBe(true);
    expect(passwordVerdict('abc', '', null)).toMatchObject({ ok: false, detail: expect.stringMatching(/read back ""/) });
    expect(passwordVerdict('abc', 'abc', null)).toMatchObject({ ok: false, detail: expect.stringMatching(/cloud recorded nothing/) });
  });

  describe('earlyStageFailure', () => {
    const input = { profile: PROFILES.minicirros, httpDatasource: true, graceMs: 3000 };
    it('a DHCP failure line is proof at once', () => {
      expect(earlyStageFailure({ ...input, consoleText: 'Starting network: FAIL\n', stage: 'booting', sinceBootFinishedMs: null })).toMatchObject({ stage: 'dhcp', detail: expect.stringMatching(/gave up on DHCP \("Starting network: FAIL"\)/) });
    });
    it('a finished boot without a metadata request is proof once the grace has passed', () => {
      const text = '=== datasource: None None ===\nhost login: ';
      expect(earlyStageFailure({ ...input, consoleText: text, stage: 'dhcp', sinceBootFinishedMs: 500 })).toMatchObject({ stage: 'metadata' });
      expect(earlyStageFailure({ ...input, profile: PROFILES['cloud-init'], consoleText: 'host login: ', stage: 'dhcp', sinceBootFinishedMs: 500 })).toBeNull();
      expect(earlyStageFailure({ ...input, profile: PROFILES['cloud-init'], consoleText: 'host login: ', stage: 'dhcp', sinceBootFinishedMs: 3000 })).toMatchObject({ stage: 'metadata', detail: expect.stringMatching(/without a single metadata request/) });
    });
    it('says nothing while the guest is still booting, or once the stage is reached', () => {
      expect(earlyStageFailure({ ...input, consoleText: 'minicirros: stage net', stage: 'dhcp', sinceBootFinishedMs: null })).toBeNull();
      expect(earlyStageFailure({ ...input, consoleText: 'x login: ', stage: 'metadata', sinceBootFinishedMs: 9000 })).toBeNull();
      expect(earlyStageFailure({ ...input, httpDatasource: false, consoleText: 'x login: ', stage: 'dhcp', sinceBootFinishedMs: 9000 })).toBeNull();
    });
  });
});
