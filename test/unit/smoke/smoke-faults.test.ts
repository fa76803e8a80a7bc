import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultBook } from '../../../src/core/fault-book.js';
import type { FaultRuleSpec } from '../../../src/core/fault-rule-spec.js';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import { FAULT_REQUESTS_KEPT, faultReports, faultSummary, installFaults } from '../../../src/smoke/smoke-faults.js';
import { assertBuilt, runCli } from '../cli/run-cli.js';

const record = (i: number, fault: string | null): MetadataRequestRecord => ({
  time: 1_000 + i, instanceId: 'i-1', sourceIp: '10.0.0.2', method: 'GET', path: `/latest/meta-data/p${i}`, status: fault === null ? 200 : 500,
  bytes: 0, latencyMs: 0.1, userAgent: null, tokenUsed: false, flavour: 'ec2', fault,
});

describe('smoke --faults: the scenario installed through the API, and reported per rule', () => {
  it('installs the file\'s rules in file order, through the cloud\'s fault API (ids f1, f2… as `fault add` gives them)', async () => {
    const book = new FaultBook({ now: () => 5, seed: () => 7, clouds: ['ec2', 'openstack'], publish: () => {} });
    const specs: FaultRuleSpec[] = [{ path: '/latest/api/token', method: 'PUT', status: 403, times: 1 }, { path: '/openstack/**', delay: '2s' }, { id: 'mine', path: '/**', reset: true, probability: 0.5 }];
    const added = await installFaults({ addFault: async (spec) => book.add(spec) }, specs);
    expect(added.map((r) => r.id)).toEqual(['f1', 'f2', 'mine']);
    expect(book.list().map((r) => r.path)).toEqual(['/latest/api/token', '/openstack/**', '/**']);
  });

  it('a rule the cloud refuses stops the install there, with the cloud\'s coded error', async () => {
    const book = new FaultBook({ now: () => 5, seed: () => 7, clouds: ['ec2'], publish: () => {} });
    book.add({ id: 'taken', path: '/a', reset: true });
    await expect(installFaults({ addFault: async (spec) => book.add(spec) }, [{ path: '/b', reset: true }, { id: 'taken', path: '/c', reset: true }])).rejects.toThrow(/MC_ERR_FAULT_ID_TAKEN|exists already/);
  });

  it('reports each rule with the server\'s hits and the first requests of the log that name it', () => {
    const book = new FaultBook({ now: () => 5, seed: () => 7, clouds: ['ec2'], publish: () => {} });
    book.addAll([{ path: '/latest/meta-data/**', status: 500 }, { path: '/nowhere', hang: true }]);
    const subject = { method: 'GET', path: '/latest/meta-data/x', instanceId: 'i-1', instanceName: 'a', ip: '10.0.0.2', cloud: 'ec2' };
    for (let i = 0; i < FAULT_REQUESTS_KEPT + 5; i++) book.decide(subject);
    const log = [record(0, null), ...Array.from({ length: FAULT_REQUESTS_KEPT + 5 }, (_, i) => record(i + 1, 'f1'))];
    const [f1, f2] = faultReports(book.list(), log);
    expect(f1?.hits).toBe(FAULT_REQUESTS_KEPT + 5);
    expect(f1?.requests.map((r) => r.path)).toEqual(log.slice(1, FAULT_REQUESTS_KEPT + 1).map((r) => r.path));
    expect(faultSummary(f1!)).toBe(`fault f1: * /latest/meta-data/** → status 500: ${FAULT_REQUESTS_KEPT + 5} hits (active)`);
    expect(f2).toMatchObject({ id: 'f2', hits: 0, requests: [], description: '* /nowhere → hang' });
  });
});

describe('minicloud smoke --faults FILE (the built CLI)', () => {
  let dir: string;
  beforeEach(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'mc-smoke-faults-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each<[string, string | null, RegExp]>([
    ['a rule with no action', 'faults:\n  - path: /latest/meta-data/**\n    times: 3\n', /faults\.yaml: faults\[0\]: no action[\s\S]*\[MC_ERR_FAULT_RULE_INVALID\]/],
    ['an unknown field', 'faults:\n  - path: /**\n    status: 500\n    tims: 3\n', /\/faults\/0\/tims: unknown field[\s\S]*\[MC_ERR_FILE_INVALID\]/],
    ['a missing file', null, /\[MC_ERR_FILE_UNREADABLE\]/],
  ])('refuses %s with exit 1 before anything starts (no run, no artifacts)', (_name, text, expected) => {
    const faults = join(dir, 'faults.yaml');
    if (text !== null) writeFileSync(faults, text);
    const artifacts = join(dir, 'artifacts');
    const r = runCli(['smoke', '--image', 'minicirros', '--faults', faults, '--artifacts', artifacts]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/smoke {2}run /);
    expect(existsSync(artifacts)).toBe(false);
  });
});
