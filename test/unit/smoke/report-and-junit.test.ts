import { describe, expect, it } from 'vitest';
import { errors } from '../../../src/errors/catalogue.js';
import { ExitCode } from '../../../src/errors/exit-codes.js';
import { junitXml, xmlAttr } from '../../../src/smoke/junit-xml.js';
import { checkLine, summaryLine } from '../../../src/smoke/progress-lines.js';
import { buildSmokeReport } from '../../../src/smoke/smoke-report.js';
import { sampleInput } from './sample-report.js';

const golden = (name: string): string => `../../../fixtures/smoke/${name}`;

describe('smoke report and JUnit (golden files in fixtures/smoke/)', () => {
  it('takes the exit code of the first failed check in boot order', () => {
    const report = buildSmokeReport(sampleInput());
    expect(report.result).toBe('failed');
    expect(report.exitCode).toBe(ExitCode.cloudInit);
    expect(report.error?.code).toBe(errors.smokeGuestInitError.code);
  });

  it('passes with exit 0 when no check failed (skips do not fail)', () => {
    const input = sampleInput();
    input.checks = input.checks.filter((c) => c.status !== 'failed');
    const report = buildSmokeReport(input);
    expect(report).toMatchObject({ result: 'passed', exitCode: 0, error: null });
  });

  it('a run error wins over the checks and becomes a JUnit <error>', () => {
    const input = sampleInput();
    input.checks = [];
    input.faults = [];
    const err = errors.smokeCloudStartFailed('mcsmoke-ab12cd', 'dnsmasq: failed to bind');
    input.runError = { code: err.code, message: err.message, hint: err.hint ?? null, exit: err.exitCode };
    const report = buildSmokeReport(input);
    expect(report.exitCode).toBe(ExitCode.host);
    const xml = junitXml(report);
    expect(xml).toContain('<error message="the smoke cloud in netns mcsmoke-ab12cd did not come up:&#10;dnsmasq: failed to bind" type="MC_ERR_SMOKE_CLOUD_START">');
    expect(xml).toContain('tests="1" failures="0" errors="1"');
  });

  it('matches the golden JSON report', async () => {
    await expect(JSON.stringify(buildSmokeReport(sampleInput()), null, 2) + '\n').toMatchFileSnapshot(golden('report.json'));
  });

  it('matches the golden JUnit XML: a testcase per check, failures carry the console tail and metadata requests', async () => {
    const xml = junitXml(buildSmokeReport(sampleInput()));
    await expect(xml).toMatchFileSnapshot(golden('report.junit.xml'));
    expect(xml.match(/<testcase /g)).toHaveLength(13);
    const failure = /<failure message="[^"]*user-data script exited 3[^"]*"[^>]*>([\s\S]*?)<\/failure>/.exec(xml)?.[1] ?? '';
    expect(failure).toContain('| minicirros: user-data exited 3');
    expect(failure).toContain('GET  200  ec2        /2009-04-04/user-data');
  });

  it('lists each fault rule with its hits: a `faults` array in JSON, a passing testcase and a property per rule in JUnit', () => {
    const report = buildSmokeReport(sampleInput());
    expect(report.faults.map((f) => [f.id, f.hits, f.state, f.description, f.requests.length])).toEqual([
      ['f1', 1, 'spent', 'GET /*/meta-data/** → status 500, 1 time', 1],
      ['f2', 0, 'active', 'PUT /latest/api/token on smoke-1 → delay 2.0 s', 0],
    ]);
    // The rules say what the boot went through; they do not judge it (the exit code is the userdata check's).
    expect(report.exitCode).toBe(ExitCode.cloudInit);
    const xml = junitXml(report);
    expect(xml).toContain('<property name="fault.f1.hits" value="1"/>');
    expect(xml).toContain('<property name="fault.f2.hits" value="0"/>');
    const f1 = /<testcase classname="smoke\.minicirros\.faults" name="fault f1" time="0\.000">\s*<system-out><!\[CDATA\[([\s\S]*?)\]\]><\/system-out>/.exec(xml)?.[1];
    expect(f1?.split('\n')).toEqual([
      'fault f1: GET /*/meta-data/** → status 500, 1 time: 1 hit (spent)',
      // The injected answer as `minicloud metadata-log` prints it.
      '  03:04:09.000  i-0123456789abcdef0  10.250.0.10      GET  500  ec2        /2009-04-04/meta-data/instance-id  0.3ms  curl/7.86.0 (minicirros)  fault f1',
    ]);
    expect(xml).toContain('<system-out><![CDATA[fault f2: PUT /latest/api/token on smoke-1 → delay 2.0 s: 0 hits (active)]]></system-out>');
    expect(xml).toContain('tests="13" failures="2" errors="0" skipped="2"');
  });

  it('without a fault scenario: `faults: []`, no fault testcase or property', () => {
    const input = sampleInput();
    input.faults = [];
    const report = buildSmokeReport(input);
    expect(report.faults).toEqual([]);
    const xml = junitXml(report);
    expect(xml).not.toContain('fault.');
    expect(xml).not.toContain('.faults"');
    expect(xml.match(/<testcase /g)).toHaveLength(11);
  });

  it('keeps the XML well-formed whatever the console printed', () => {
    const xml = junitXml(buildSmokeReport(sampleInput()));
    // eslint-disable-next-line no-control-regex -- control characters are what this matches
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).not.toContain('\u001b[');
    // "]]>" inside a CDATA section is split, never left to end it early.
    const bodies = [...xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)].map((m) => m[1] ?? '');
    expect(bodies.join('')).toContain(']]');
    expect(xmlAttr('a"<b>&\nc')).toBe('a&quot;&lt;b&gt;&amp;&#10;c');
  });

  it('prints progress and summary lines with timings and codes', () => {
    const report = buildSmokeReport(sampleInput());
    expect(checkLine(report.checks[3]!)).toBe(
      'smoke  FAIL smoke-1: userdata (4.3 s): smoke: smoke-1: the user-data script exited 3 (console: "minicirros: user-data exited 3") [MC_ERR_SMOKE_GUEST_INIT_ERROR, exit 6]',
    );
    expect(summaryLine(report)).toBe('smoke  FAILED: 7 passed, 2 failed, 2 skipped; wall time 13.5 s (tcg); exit 6');
  });
});
