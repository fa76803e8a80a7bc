import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApiApp } from '../../../src/api/api-app.js';
import { eventMaintenanceCommand, eventSpotCommand } from '../../../src/cli/command-flags.js';
import { cloudEventTable } from '../../../src/cli/commands/cloud-event-table.js';
import { buildProgram } from '../../../src/cli/program.js';
import { reportError } from '../../../src/cli/report-error.js';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import { Controller } from '../../../src/controller/controller.js';
import { cloudEventView } from '../../../src/core/cloud-event-timeline.js';
import { maintenanceEvent, spotEvent, withEventFired } from '../../../src/core/cloud-event-spec.js';
import type { CloudEventView } from '../../../src/domain/cloud-event.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { systemClock } from '../../../src/ports/clock.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from '../controller/fakes.js';

/** Parses flags through the command's own definition, as commander does for the real command line. */
function parse(command: ReturnType<typeof eventSpotCommand> | ReturnType<typeof eventMaintenanceCommand>, words: string[]) {
  const c = command.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  c.parse(words, { from: 'user' });
  return c.opts();
}

describe('event flags: one typed definition each', () => {
  it('spot: defaults as EC2 (terminate in 2 minutes, acted on); --in, --action, --no-act', () => {
    expect(parse(eventSpotCommand(), ['web'])).toEqual({ in: 120_000, action: 'terminate', act: true });
    expect(parse(eventSpotCommand(), ['web', '--in', '30s', '--action', 'hibernate', '--no-act', '--json'])).toEqual({ in: 30_000, action: 'hibernate', act: false, json: true });
  });

  it('maintenance: --at as a UTC time or a delay, --duration, --code', () => {
    expect(parse(eventMaintenanceCommand(), ['web', '--at', '2030-01-02T03:04:05Z'])).toEqual({ at: { notBefore: Date.UTC(2030, 0, 2, 3, 4, 5) }, duration: 7_200_000, code: 'system-reboot', act: true });
    expect(parse(eventMaintenanceCommand(), ['web', '--at', '+10m', '--duration', '30m', '--code', 'instance-stop'])).toMatchObject({ at: { inMs: 600_000 }, duration: 1_800_000, code: 'instance-stop' });
  });

  it.each<[string, () => unknown, string]>([
    ['a spot action EC2 does not have', () => parse(eventSpotCommand(), ['web', '--action', 'explode']), 'MC_ERR_USAGE'],
    ['a spot --in that is not a duration', () => parse(eventSpotCommand(), ['web', '--in', 'soon']), 'MC_ERR_BAD_DURATION'],
    ['a maintenance --at that is no time', () => parse(eventMaintenanceCommand(), ['web', '--at', 'tuesday']), 'MC_ERR_USAGE'],
    ['an unknown maintenance code', () => parse(eventMaintenanceCommand(), ['web', '--at', '1h', '--code', 'reboot']), 'MC_ERR_USAGE'],
  ])('refuses %s (exit 1)', (_name, run, code) => {
    expect(run).toThrow(expect.objectContaining({ code, exitCode: 1 }));
  });

  it('maintenance without --at is refused by commander', () => {
    expect(() => parse(eventMaintenanceCommand(), ['web'])).toThrow(/--at/);
  });
});

describe('event ls table', () => {
  it('shows the countdown of pending events and the outcome of fired ones', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const instance = { id: 'i-0123456789abcdef0', name: 'web-1' };
    const spot = spotEvent('instance-event-0000000000000000a', now, { action: 'stop', inMs: 90_000, act: true });
    const fired = withEventFired([spotEvent('instance-event-0000000000000000b', now - 600_000, { action: 'terminate', inMs: 120_000, act: true })], 'instance-event-0000000000000000b', { at: now - 479_500, outcome: 'terminated', detail: null })[0]!;
    const maint = maintenanceEvent('instance-event-0000000000000000c', now, { code: 'system-reboot', notBefore: now + 3_600_000, durationMs: 7_200_000, act: false });
    const views: CloudEventView[] = [fired, spot, maint].map((e) => cloudEventView(e, instance, now));
    expect(cloudEventTable(views, now)).toBe(
      [
        'ID                                INSTANCE  EVENT                               STATUS  TIME (UTC)           NEXT          OUTCOME',
        'instance-event-0000000000000000b  web-1     spot terminate                      fired   11:52:00Z            --            terminated (+500 ms)',
        'instance-event-0000000000000000a  web-1     spot stop                           notice  12:01:30Z            in 1 m 30 s   --',
        'instance-event-0000000000000000c  web-1     maintenance system-reboot (no-act)  notice  13:00:00Z–15:00:00Z  in 60 m 00 s  --',
      ].join('\n'),
    );
  });
});

describe('minicloud event … against a controller', () => {
  let home: string;
  let app: FastifyInstance;
  let controller: Controller;
  let stdout: string[];
  let stderr: string[];

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

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'mc-cli-events-'));
    vi.stubEnv('MINICLOUD_HOME', home);
    stdout = [];
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (stdout.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (stderr.push(String(s)), true));
    const bus = new EventBus();
    controller = new Controller({
      cloudId: 'cli', hypervisor: new TestHypervisor('cli'), network: new TestNetwork(),
      networkConfig: { cloudId: 'cli', bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataPort: 8775, egress: false, domain: 'minicloud', stateDir: home },
      instances: new TestInstanceStore(), controllerStore: new MemoryControllerStore(), requestLog: new TestRequestLog(), strayGuests: new FakeStrayGuestFinder(),
      bus, clock: systemClock, random: randomBytes, paths: { instancesDir: join(home, 'instances') }, accelerator: 'tcg',
      sshProbe: { probe: async () => false },
      resolveImage: (image) => ({ name: image, path: '/img.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' }),
      cloudKey: null, writeConfigDrive: async () => {}, writeProvisioningMedia: async () => {}, reconcileIntervalMs: 3_600_000, watchIntervalMs: 3_600_000,
    });
    await controller.start();
    controller.launch({ image: 'minicirros', name: 'web', count: 1, userData: [], meta: {}, sshKeys: [], ip: null, removeOnExit: false });
    app = buildApiApp({
      controller, bus, onShutdown: () => {},
      status: () => ({ cloudId: 'cli', pid: process.pid, startedAt: 0, accelerator: 'tcg', hypervisor: 'fake', netns: null, bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataAddress: '10.77.0.1:8775', sshKeyPath: '/k', home, instances: 1, defaultTimeoutMs: null }),
    });
    await app.listen({ path: join(home, 'controller.sock') });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    controller.stop();
    await controller.reconcile({ unlessStopped: true });
    await app.close();
    await rm(home, { recursive: true, force: true });
  });

  it('spot, maintenance, rebalance, ls, cancel; events prints each', async () => {
    expect(await cli('event', 'spot', 'web', '--in', '10m', '--action', 'stop')).toBe(0);
    const spotLine = stdout.join('');
    expect(spotLine).toMatch(/^instance-event-[0-9a-f]{17} web: spot stop at \d\d:\d\d:\d\dZ \[notice\]\n$/);
    const spotId = spotLine.split(' ')[0] ?? '';
    expect(await cli('event', 'maintenance', 'web', '--at', '1h', '--code', 'instance-retirement', '--no-act', '--json')).toBe(0);
    expect(JSON.parse(stdout.slice(1).join(''))).toMatchObject({ kind: 'maintenance', code: 'instance-retirement', act: false, instanceName: 'web' });
    expect(await cli('event', 'rebalance', 'web')).toBe(0);
    stdout.length = 0;
    expect(await cli('event', 'ls')).toBe(0);
    expect(stdout.join('').split('\n').slice(1, 4).map((l) => l.split(/\s{2,}/)[2])).toEqual(['spot stop', 'maintenance instance-retirement (no-act)', 'rebalance']);
    stdout.length = 0;
    expect(await cli('event', 'cancel', spotId)).toBe(0);
    expect(stdout.join('')).toContain('[canceled]');
    expect(await cli('event', 'cancel', spotId)).toBe(1);
    expect(stderr.join('')).toContain('MC_ERR_EVENT_NOT_PENDING');
    stdout.length = 0;
    expect(await cli('events')).toBe(0);
    const lines = stdout.join('').split('\n').filter((l) => l.includes('instance-event-'));
    expect(lines.map((l) => l.split(' ').slice(3, 5).join(' '))).toEqual([`${spotId} scheduled:`, expect.stringMatching(/ scheduled:$/), expect.stringMatching(/ scheduled:$/), `${spotId} canceled:`]);
  });
});
