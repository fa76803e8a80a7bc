import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from '@commander-js/extra-typings';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApiApp, type ApiController } from '../../../src/api/api-app.js';
import { ApiClient } from '../../../src/api/api-client.js';
import { faultAddCommand } from '../../../src/cli/command-flags.js';
import { faultSpecFromFlags } from '../../../src/cli/commands/fault.js';
import { buildProgram } from '../../../src/cli/program.js';
import { reportError } from '../../../src/cli/report-error.js';
import { CLOUD_NAMES } from '../../../src/clouds/registry.js';
import { FaultBook } from '../../../src/core/fault-book.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import type { FaultRuleView } from '../../../src/domain/fault-rule.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';
import { fixtureInstance, harness, type Harness } from '../metadata/metadata-test-kit.js';

/** The fault routes never reach the controller: any call to it fails the test. */
const noController = new Proxy({}, { get: (_t, name) => () => { throw new Error(`controller.${String(name)} called`); } }) as ApiController;

/** `fault add` flags → the rule's file form, through the one typed flag definition. */
function addFlags(...words: string[]) {
  const command = faultAddCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  command.parse(words, { from: 'user' });
  return faultSpecFromFlags(command.opts());
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isMinicloudError(err)) return `${err.code}: ${err.message}`;
    if (err instanceof CommanderError) return `commander: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('fault add flags', () => {
  it.each<[string[], object]>([
    [['--path', '/latest/**', '--status', '500', '--times', '3'], { path: '/latest/**', status: 500, times: 3 }],
    [['--path', '/**', '--instance', 'web-1', '--method', 'PUT', '--cloud', 'ec2', '--status', '403', '--body', 'no'], { path: '/**', instance: 'web-1', method: 'PUT', cloud: 'ec2', status: 403, body: 'no' }],
    [['--path', '/openstack/**', '--delay', '10s', '--for', '1m30s'], { path: '/openstack/**', delay: '10s', for: '1m30s' }],
    [['--path', '/**', '--reset', '--probability', '0.2', '--seed', '42', '--id', 'flaky'], { path: '/**', reset: true, probability: 0.2, seed: 42, id: 'flaky' }],
    [['--path', '/**', '--hang', '--probability', '1'], { path: '/**', hang: true, probability: 1 }],
  ])('%j', (words, spec) => {
    expect(addFlags(...words)).toEqual(spec);
  });

  it.each<[string, string[], RegExp]>([
    ['two actions', ['--status', '500', '--reset'], /commander: .*option '--status <code>' cannot be used with option '--reset'/],
    ['two limits', ['--hang', '--times', '1', '--for', '2s'], /cannot be used with option '--for/],
    ['a status out of range', ['--status', '99'], /MC_ERR_USAGE: --status: "99" is not a whole number in 100..599/],
    ['a bad duration', ['--delay', 'soon'], /MC_ERR_BAD_DURATION/],
    ['a probability of 0', ['--hang', '--probability', '0'], /MC_ERR_USAGE: --probability: "0" is not a number in \(0, 1\]/],
    ['a probability above 1', ['--hang', '--probability', '1.5'], /is not a number in \(0, 1\]/],
    ['an unknown cloud', ['--hang', '--cloud', 'nosuchcloud'], /commander: .*Allowed choices are/],
    ['a seed out of range', ['--hang', '--probability', '0.5', '--seed', '-1'], /MC_ERR_USAGE|commander/],
  ])('refuses %s', (_name, words, expected) => {
    expect(failure(() => addFlags('--path', '/**', ...words))).toMatch(expected);
  });
});

describe('the fault API and `minicloud fault` against a running controller API', () => {
  let home: string;
  let api: FastifyInstance;
  let metadata: Harness;
  let faults: FaultBook;
  let stdout: string[];
  let stderr: string[];
  let events: MinicloudEvent[];

  async function cli(...args: string[]): Promise<number> {
    process.exitCode = undefined;
    try {
      await buildProgram().parseAsync(['node', 'minicloud', ...args]);
      return Number(process.exitCode ?? 0);
    } catch (err) {
      return reportError(err, { write: (s: string) => stderr.push(s) });
    } finally {
      process.exitCode = undefined;
    }
  }
  const printed = (): string => stdout.splice(0).join('');

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mc-fault-cli-'));
    vi.stubEnv('MINICLOUD_HOME', home);
    stdout = [];
    stderr = [];
    events = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (stdout.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
    const bus = new EventBus();
    bus.subscribe((e) => events.push(e));
    // As `up` wires them: one book, read by the metadata server, changed through the API.
    faults = new FaultBook({ now: () => 1_000, seed: () => 99, clouds: CLOUD_NAMES, publish: (e) => bus.publish(e) });
    metadata = await harness([fixtureInstance()], { faults });
    api = buildApiApp({ controller: noController, bus, faults, status: () => { throw new Error('status called'); }, onShutdown: () => {} });
    await api.listen({ path: join(home, 'controller.sock') });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await api.close();
    await metadata.app.close();
    await rm(home, { recursive: true, force: true });
  });

  it('add, ls, rm: the rules shape the metadata server\'s answers and are published on the event stream', async () => {
    expect(await cli('fault', 'add', '--path', '/latest/meta-data/**', '--status', '500', '--times', '2')).toBe(0);
    expect(printed()).toBe('fault f1 added: * /latest/meta-data/** → status 500, 2 times\n');
    expect(await cli('fault', 'add', '--path', '/**', '--method', 'put', '--status', '403', '--probability', '0.5', '--json')).toBe(0);
    expect(JSON.parse(printed())).toMatchObject({ id: 'f2', method: 'PUT', limit: { kind: 'probability', probability: 0.5, seed: 99 }, hits: 0, state: 'active' });

    expect((await metadata.req('/latest/meta-data/instance-id')).statusCode).toBe(500);
    expect((await metadata.req('/latest/meta-data/instance-id')).statusCode).toBe(500);
    expect((await metadata.req('/latest/meta-data/instance-id')).statusCode).toBe(200);

    expect(await cli('fault', 'ls')).toBe(0);
    expect(printed()).toBe(
      [
        'ID  STATE   HITS  RULE',
        'f1  spent   2     * /latest/meta-data/** → status 500, 2 times',
        'f2  active  0     PUT /** → status 403, probability 0.5, seed 99',
        '',
      ].join('\n'),
    );
    expect(await cli('fault', 'ls', '--json')).toBe(0);
    expect((JSON.parse(printed()) as FaultRuleView[]).map((r) => [r.id, r.hits, r.state])).toEqual([['f1', 2, 'spent'], ['f2', 0, 'active']]);

    expect(await cli('fault', 'rm', 'f1')).toBe(0);
    expect(printed()).toBe('removed f1\n');
    expect(await cli('fault', 'rm', 'f1')).toBe(1);
    expect(stderr.join('')).toContain('no fault rule f1 [MC_ERR_FAULT_NOT_FOUND]');
    expect(await cli('fault', 'rm', '--all', '--json')).toBe(0);
    expect(JSON.parse(printed())).toEqual({ removed: ['f2'] });
    expect(await cli('fault', 'ls')).toBe(0);
    expect(printed()).toBe('no fault rules\n');
    expect(events.filter((e) => e.type.startsWith('fault.')).map((e) => (e.type === 'fault.added' ? `+${e.rule.id}` : e.type === 'fault.removed' ? `-${e.id}` : ''))).toEqual(['+f1', '+f2', '-f1', '-f2']);
  });

  it('refuses a bad rule before sending it (exit 1), and the API refuses one sent anyway (400/409)', async () => {
    expect(await cli('fault', 'add', '--path', '/**', '--body', 'x', '--hang')).toBe(1);
    expect(stderr.join('')).toContain('fault add: body goes with status [MC_ERR_FAULT_RULE_INVALID]');
    expect(await cli('fault', 'add', '--path', 'latest')).toBe(1);
    expect(await cli('fault', 'rm')).toBe(1);
    const client = new ApiClient(join(home, 'controller.sock'));
    await expect(client.addFault({ path: '/**' })).rejects.toMatchObject({ code: 'MC_ERR_FAULT_RULE_INVALID', httpStatus: 400 });
    await client.addFault({ id: 'x', path: '/**', reset: true });
    await expect(client.addFault({ id: 'x', path: '/**', reset: true })).rejects.toMatchObject({ code: 'MC_ERR_FAULT_ID_TAKEN', httpStatus: 409 });
    // Unknown fields are a schema error at the API's edge (a typo must not be dropped silently).
    const res = await api.inject({ method: 'POST', url: '/v1/faults', payload: { path: '/**', reset: true, tims: 3 } });
    expect(res.statusCode).toBe(400);
    expect(faults.list().map((r) => r.id)).toEqual(['x']);
  });
});
