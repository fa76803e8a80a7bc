import { CLOUD_NAMES } from '../../../src/clouds/registry.js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApiApp } from '../../../src/api/api-app.js';
import { launchBodyFrom } from '../../../src/cli/commands/run.js';
import { parseRunFlags } from '../../../src/cli/command-flags.js';
import { buildProgram } from '../../../src/cli/program.js';
import { reportError } from '../../../src/cli/report-error.js';
import { Controller } from '../../../src/controller/controller.js';
import { MemoryControllerStore } from '../../../src/adapters/store/memory-controller-store.js';
import { FakeStrayGuestFinder } from '../../../src/adapters/hypervisor/fake/fake-stray-guests.js';
import { errors } from '../../../src/errors/catalogue.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { systemClock } from '../../../src/ports/clock.js';
import { TestHypervisor, TestInstanceStore, TestNetwork, TestRequestLog } from '../controller/fakes.js';

const runBody = (image: string, flags: string[], cwd?: string) => launchBodyFrom(image, parseRunFlags(image, flags), cwd);

let home: string;
let app: FastifyInstance;
let controller: Controller;
let stdout: string[];
let stderr: string[];

/** Runs `minicloud ARGS` in-process and returns the exit code, as src/cli/main.ts would. */
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
  home = await mkdtemp(join(tmpdir(), 'mc-cli-'));
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
    resolveImage: (image) => {
      if (image !== 'minicirros') throw errors.imageNotFound(image, 'minicirros');
      return { name: image, path: '/img.qcow2', format: 'qcow2', kernel: null, sshUser: 'cirros' };
    },
    cloudKey: null, writeConfigDrive: async () => {}, writeProvisioningMedia: async () => {}, reconcileIntervalMs: 50, watchIntervalMs: 50,
  });
  await controller.start();
  app = buildApiApp({
    controller, bus, onShutdown: () => {},
    status: () => ({ cloudId: 'cli', pid: process.pid, startedAt: 0, accelerator: 'tcg', hypervisor: 'fake', netns: null, bridge: 'mcbr0', subnet: '10.77.0.0/24', gateway: '10.77.0.1', metadataAddress: '10.77.0.1:8775', sshKeyPath: '/k', home, instances: 0, defaultTimeoutMs: null }),
  });
  await app.listen({ path: join(home, 'controller.sock') });
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  controller.stop();
  await app.close();
  await rm(home, { recursive: true, force: true });
});

describe('run flags', () => {
  it('turn into a launch body', async () => {
    const ud = join(home, 'ud');
    await writeFile(ud, Buffer.from([0x23, 0x21, 0x00, 0xff]));
    const body = runBody('./disk.qcow2', ['--memory', '1G', '--disk', '2G', '--count', '3', '--user-data', ud, '--meta', 'a=b=c', '--datasource', 'openstack'], '/work');
    expect(body).toMatchObject({ image: '/work/disk.qcow2', memoryMiB: 1024, diskBytes: 2 * 2 ** 30, count: 3, meta: { a: 'b=c' }, datasource: 'openstack', userData: ['IyEA/w=='] });
  });

  it.each<[string, string[], string]>([
    ['bad datasource', ['--datasource', 'nosuchcloud'], 'MC_ERR_UNKNOWN_DATASOURCE'],
    ['bad memory', ['--memory', 'lots'], 'MC_ERR_BAD_SIZE'],
    ['bad count', ['--count', '0'], 'MC_ERR_BAD_RESOURCE'],
    ['too many', ['--count', '65'], 'MC_ERR_BAD_RESOURCE'],
    ['bad cpus', ['--cpus', 'two'], 'MC_ERR_BAD_RESOURCE'],
    ['bad imdsv2', ['--imdsv2', 'maybe'], 'MC_ERR_USAGE'],
    ['bad timeout', ['--timeout', 'soon'], 'MC_ERR_BAD_DURATION'],
    ['bad wait-for', ['--wait-for', 'lunch'], 'MC_ERR_BAD_WAIT_FOR'],
    ['unknown flag', ['--colour', 'red'], 'MC_ERR_USAGE'],
    ['bad meta', ['--meta', 'novalue'], 'MC_ERR_USAGE'],
    ['unreadable user-data', ['--user-data', '/nonexistent/ud'], 'MC_ERR_FILE_UNREADABLE'],
  ])('%s is a usage error (exit 1)', (_n, flags, code) => {
    expect(() => runBody('minicirros', flags)).toThrow(expect.objectContaining({ code, exitCode: 1 }));
  });

  it('a bad datasource lists the valid ones', () => {
    expect(() => parseRunFlags('minicirros', ['--datasource', 'nosuchcloud'])).toThrow(`unknown datasource "nosuchcloud" (use one of: ${CLOUD_NAMES.join(', ')})`);
    expect(CLOUD_NAMES.slice(0, 4)).toEqual(['ec2', 'openstack', 'nocloud', 'configdrive']);
  });
});

describe('minicloud commands against a controller', () => {
  it('run, ls --json, info, delete', async () => {
    expect(await cli('run', 'minicirros', '--name', 'web', '--count', '2')).toBe(0);
    stdout.length = 0;
    expect(await cli('ls', '--json')).toBe(0);
    expect((JSON.parse(stdout.join('')) as { name: string }[]).map((i) => i.name)).toEqual(['web-1', 'web-2']);
    stdout.length = 0;
    expect(await cli('info', 'web-1')).toBe(0);
    expect(stdout.join('')).toMatch(/Name: +web-1[\s\S]*Accelerator: +tcg/);
    expect(await cli('delete', 'web-1', 'web-2')).toBe(0);
  });

  it('exits with the documented codes for bad input', async () => {
    expect(await cli('run', 'nope')).toBe(3);
    expect(stderr.join('')).toMatch(/image nope not found \(known images: minicirros\) \[MC_ERR_IMAGE_NOT_FOUND\]\n {2}hint: /);
    expect(await cli('run', 'minicirros', '--bogus')).toBe(1);
    expect(await cli('run', 'minicirros', '--user-data', join(home, 'missing'))).toBe(1);
    const unreadable = join(home, 'secret');
    await writeFile(unreadable, 'x');
    await chmod(unreadable, 0);
    if (process.getuid?.() !== 0) expect(await cli('run', 'minicirros', '--user-data', unreadable)).toBe(1);
    expect(await cli('run', 'minicirros', '--name', 'dup')).toBe(0);
    expect(await cli('run', 'minicirros', '--name', 'dup')).toBe(1);
    expect(await cli('info', 'ghost')).toBe(1);
    expect(await cli('delete')).toBe(1);
  });

  it('--wait-for times out with exit 5 and prints the diagnosis', async () => {
    expect(await cli('run', 'minicirros', '--name', 'slow', '--wait-for', 'dhcp', '--timeout', '1s')).toBe(5);
    const text = stderr.join('');
    expect(text).toContain('waiting for booting');
    expect(text).toContain('the console printed nothing');
    expect(text).toMatch(/did not reach dhcp within 1 s \[MC_ERR_READINESS_TIMEOUT\]/);
  });

  it('a command without a controller exits 2 with how to start one', async () => {
    vi.stubEnv('MINICLOUD_HOME', join(home, 'elsewhere'));
    expect(await cli('ls')).toBe(2);
    expect(stderr.join('')).toContain('minicloud up -d');
  });
});
