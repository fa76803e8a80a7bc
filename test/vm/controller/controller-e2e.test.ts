// Issue 6 "Done when", end to end with the built CLI: a whole cloud inside its own network namespace
// (`up --netns`), three minicirros guests under QEMU, a kill -9 of the controller, and `down`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../../helpers/tier-requirements.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const MINICIRROS = join(ROOT, 'vm-images/out/minicirros/disk.qcow2');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Each driver gets its own cloud (home + netns); the helpers below close over the current one.
let home = '';
let netns = '';

function mc(args: string[], opts: { timeoutMs?: number; user?: string; input?: string } = {}): Result {
  const argv = [CLI, ...args];
  const [cmd, ...rest] = opts.user ? ['setpriv', `--reuid=${opts.user}`, '--regid=65534', '--clear-groups', process.execPath, ...argv] : [process.execPath, ...argv];
  const r = spawnSync(cmd ?? process.execPath, rest, { cwd: ROOT, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, MINICLOUD_HOME: home }, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: Result): Result {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function controllerPid(): number {
  return Number(readFileSync(join(home, 'controller.pid'), 'utf8').trim());
}

function netnsExists(): boolean {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === netns);
}

/**
 * Live processes (qemu, dnsmasq) whose command line names this cloud's home or guests. Zombies are
 * left out: guests started by the killed controller were re-parented to PID 1, which reaps slowly here.
 */
function leftoverProcesses(cloudId: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(home) || l.includes(`mc-${cloudId}-`)).filter((l) => !l.includes('ps -eo') && !l.includes('<defunct>'));
}

const DRIVERS = [
  { driver: 'libvirt', commands: ['libvirtd', 'virtlogd'] },
  { driver: 'qemu', commands: [] },
] as const;

for (const { driver, commands } of DRIVERS) describeWhen({ root: true, commands: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables', 'nft', 'ssh', 'ssh-keygen', 'setpriv', ...commands] }, `minicloud controller end to end (netns, minicirros, ${driver} driver)`, () => {
  let cloudId = '';

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'mc-e2e-'));
    netns = `mcctl-${randomBytes(3).toString('hex')}`;
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
    if (!existsSync(MINICIRROS)) throw new Error(`${MINICIRROS} is missing: run \`make images\` first`);
    // The test owns the namespace (so `down` keeps it and what is left inside can be inspected).
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  });

  afterAll(() => {
    // Whatever happened, leave nothing behind: stop the cloud, then anything still in the namespace.
    if (existsSync(join(home, 'controller.sock'))) mc(['down'], { timeoutMs: 90_000 });
    if (netnsExists()) {
      const pids = execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      execFileSync('ip', ['netns', 'del', netns]);
    }
    rmSync(home, { recursive: true, force: true });
  });

  it('up -d; run --count 3 with a user-data each; all reach userdata; ls/info/metadata-log are right', () => {
    const up = ok(mc(['up', '-d', '--netns', netns, '--driver', driver], { timeoutMs: 120_000 }));
    expect(up.stderr).toMatch(/minicloud is up: cloud (\S+),/);
    expect(up.stderr).toContain(`${driver} driver`);
    cloudId = /cloud (\S+),/.exec(up.stderr)?.[1] ?? '';
    const uds = [1, 2, 3].map((n) => {
      const f = join(home, `ud${n}.sh`);
      writeFileSync(f, `#!/bin/sh\necho minicloud-userdata-${n} > /tmp/ud-marker\n`);
      return f;
    });
    const started = Date.now();
    const run = ok(mc(['run', 'minicirros', '--name', 'e2e', '--count', '3', ...uds.flatMap((f) => ['--user-data', f]), '--wait-for', 'userdata', '--timeout', '4m', '--json'], { timeoutMs: 300_000 }));
    process.stdout.write(`controller e2e: 3 x minicirros to userdata in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const launched = JSON.parse(run.stdout) as { id: string; name: string; ip: string; stage: string }[];
    expect(launched.map((i) => i.name)).toEqual(['e2e-1', 'e2e-2', 'e2e-3']);
    for (const i of launched) expect(['userdata', 'ssh', 'ready']).toContain(i.stage);

    const ls = JSON.parse(ok(mc(['ls', '--json'])).stdout) as { id: string; ip: string; state: string }[];
    expect(ls.map((i) => i.id).sort()).toEqual(launched.map((i) => i.id).sort());
    expect(new Set(ls.map((i) => i.ip)).size).toBe(3);
    for (const i of ls) expect(i.state).toBe('running');
    const info = JSON.parse(ok(mc(['info', 'e2e-2', '--json'])).stdout) as { id: string; accelerator: string; userDataBytes: number; stageDurations: Record<string, number> };
    expect(info.userDataBytes).toBe(readFileSync(uds[1]!).length);
    expect(info.stageDurations['userdata']).toBeGreaterThan(0);
    expect(['kvm', 'tcg']).toContain(info.accelerator);

    const log = ok(mc(['metadata-log', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { instanceId: string; sourceIp: string; path: string });
    for (const inst of launched) {
      const mine = log.filter((r) => r.instanceId === inst.id);
      expect(mine.length).toBeGreaterThan(0);
      for (const r of mine) expect(r.sourceIp).toBe(inst.ip);
      expect(mine.some((r) => r.path.endsWith('/user-data'))).toBe(true);
    }
  });

  it('console attaches to the serial line through the driver: keystrokes in, the guest\'s answer out', () => {
    const r = ok(mc(['console', 'e2e-1'], { input: '\r', timeoutMs: 30_000 }));
    expect(r.stdout).toMatch(/login:/);
    expect(r.stderr).toMatch(/connected to the serial console of e2e-1[\s\S]*detached from e2e-1/);
  });

  it('exec passes the guest exit code through, and each guest got its own user-data', () => {
    expect(mc(['exec', 'e2e-1', '--', 'sh', '-c', 'exit 3'], { timeoutMs: 120_000 }).code).toBe(3);
    for (const n of [1, 2, 3]) {
      const r = mc(['exec', `e2e-${n}`, '--', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do [ -f /tmp/ud-marker ] && break; sleep 1; done; cat /tmp/ud-marker'], { timeoutMs: 120_000 });
      expect(r.stdout.trim()).toBe(`minicloud-userdata-${n}`);
    }
  });

  it('kill -9 the controller, start it again: instances re-adopted, still answered, nothing lost; instances: in the config are launched when missing', async () => {
    const before = JSON.parse(ok(mc(['ls', '--json'])).stdout) as { id: string; name: string; ip: string; stage: string; createdAt: number }[];
    process.kill(controllerPid(), 'SIGKILL');
    // The config declares the three that exist (left alone) and one that does not (launched by up).
    const config = join(home, 'minicloud.test.yaml');
    writeFileSync(config, `hypervisor:\n  driver: ${driver}\ninstances:\n  - { name: e2e, image: minicirros, count: 3 }\n  - { name: declared, image: minicirros, datasource: configdrive }\n`);
    ok(mc(['up', '-d', '--netns', netns, '--config', config], { timeoutMs: 120_000 }));
    const after = (JSON.parse(ok(mc(['ls', '--json'])).stdout) as typeof before).filter((i) => i.name !== 'declared');
    expect(after.map((i) => [i.id, i.ip, i.stage, i.createdAt])).toEqual(before.map((i) => [i.id, i.ip, i.stage, i.createdAt]));
    // The declared configdrive instance boots from the config-2 ISO the controller wrote (minicirros reads it first).
    const deadline = Date.now() + 180_000;
    let consoleText = '';
    while (Date.now() < deadline && !consoleText.includes('hostname set to declared')) {
      await new Promise((r) => setTimeout(r, 1000));
      consoleText = ok(mc(['console-log', 'declared'])).stdout;
    }
    expect(consoleText).toContain('found datasource (configdrive, local)');
    expect(consoleText).toContain('hostname set to declared');
    // Deleting releases the instance's DHCP lease at once (dhcp_release), so its address is reusable.
    const declaredMac = (JSON.parse(ok(mc(['info', 'declared', '--json'])).stdout) as { mac: string }).mac.toLowerCase();
    const leases = (): string => readFileSync(join(home, 'network', 'dnsmasq.leases'), 'utf8').toLowerCase();
    expect(leases()).toContain(declaredMac);
    ok(mc(['delete', 'declared']));
    const released = Date.now() + 30_000;
    while (leases().includes(declaredMac) && Date.now() < released) await new Promise((r) => setTimeout(r, 500));
    expect(leases()).not.toContain(declaredMac);
    for (const i of after) {
      const r = mc(['exec', i.id, '--', 'wget', '-q', '-O', '-', 'http://169.254.169.254/latest/meta-data/instance-id'], { timeoutMs: 60_000 });
      expect(r.stdout.trim()).toBe(i.id);
    }
  });

  it('bad input gets a clear message and the documented exit code', () => {
    const cases: [string[], number, RegExp, string?][] = [
      [['run', 'no-such-image'], 3, /image no-such-image not found.*\[MC_ERR_IMAGE_NOT_FOUND\]/],
      [['run', 'minicirros', '--bogus'], 1, /unknown option '--bogus'/],
      [['run', 'minicirros', '--user-data', join(home, 'missing.yaml')], 1, /cannot read .*missing\.yaml.*\[MC_ERR_FILE_UNREADABLE\]/],
      [['run', 'minicirros', '--name', 'e2e-1'], 1, /name e2e-1 already exists.*\[MC_ERR_INSTANCE_EXISTS\]/],
      [['run', 'minicirros', '--memory', 'lots'], 1, /--memory: "lots" is not a size/],
      [['up', '-d', '--netns', netns], 2, /already running.*\[MC_ERR_CONTROLLER_ALREADY_RUNNING\]/],
      [['up', '-d', '--driver', 'xen'], 1, /--driver xen: use one of auto, libvirt, qemu.*\[MC_ERR_USAGE\]/],
      [['up', '--plain'], 2, /needs root.*\[MC_ERR_NEEDS_ROOT\]/, '65534'],
    ];
    for (const [args, code, message, user] of cases) {
      const r = mc(args, user ? { user } : {});
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toMatch(message);
    }
  });

  it('prune after a crash (no controller): ends guests and daemons, removes bridge, rules and overlays; the next up boots the instances afresh', async () => {
    const before = JSON.parse(ok(mc(['ls', '--json'])).stdout) as { id: string; ip: string }[];
    process.kill(controllerPid(), 'SIGKILL');
    const pruned = ok(mc(['prune', '--netns', netns], { timeoutMs: 120_000 }));
    expect(pruned.stdout).toMatch(/crashed run of cloud/);
    expect(pruned.stdout).toMatch(/3 recorded instance\(s\) reset/);
    const inNs = (cmd: string[]) => execFileSync('ip', ['netns', 'exec', netns, ...cmd], { encoding: 'utf8' });
    expect(inNs(['ip', '-o', 'link', 'show']).trim().split('\n').map((l) => l.split(':')[1]?.trim())).toEqual(['lo']);
    expect(inNs(['iptables-save'])).not.toMatch(/minicloud|MC-|169\.254\.169\.254/);
    expect(leftoverProcesses(cloudId)).toEqual([]);
    expect(readdirSync(join(home, 'instances'))).toEqual([]);
    ok(mc(['up', '-d', '--netns', netns, '--driver', driver], { timeoutMs: 120_000 }));
    const deadline = Date.now() + 180_000;
    let after: { id: string; ip: string; stage: string }[] = [];
    while (Date.now() < deadline) {
      after = JSON.parse(ok(mc(['ls', '--json'])).stdout) as typeof after;
      if (after.every((i) => ['metadata', 'userdata', 'ssh', 'ready'].includes(i.stage))) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(after.map((i) => [i.id, i.ip])).toEqual(before.map((i) => [i.id, i.ip]));
    for (const i of after) expect(['metadata', 'userdata', 'ssh', 'ready']).toContain(i.stage);
  });

  it('down leaves nothing behind: links, rules, processes, overlays', () => {
    ok(mc(['down'], { timeoutMs: 120_000 }));
    expect(existsSync(join(home, 'controller.sock'))).toBe(false);
    const inNs = (cmd: string[]) => execFileSync('ip', ['netns', 'exec', netns, ...cmd], { encoding: 'utf8' });
    expect(inNs(['ip', '-o', 'link', 'show']).trim().split('\n').map((l) => l.split(':')[1]?.trim())).toEqual(['lo']);
    expect(inNs(['nft', 'list', 'ruleset'])).not.toMatch(/minicloud|MC-|169\.254\.169\.254/);
    expect(inNs(['iptables-save'])).not.toMatch(/minicloud|MC-|169\.254\.169\.254/);
    expect(leftoverProcesses(cloudId)).toEqual([]);
    const overlays = readdirSync(join(home, 'instances')).filter((id) => existsSync(join(home, 'instances', id, 'disk.qcow2')));
    expect(overlays).toEqual([]);
    expect(mc(['ls']).code).toBe(2);
  });
});
