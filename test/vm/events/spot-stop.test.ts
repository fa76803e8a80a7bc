// Issue 14 "Done when" (vm tier), with the built CLI: a minicirros guest polling spot/instance-action sees
// the notice, and the controller stops it at the announced time (docs/events.md, "spot interruption
// drill"). One guest, qemu driver, the cloud inside a namespace the test owns.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../../helpers/tier-requirements.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const MINICIRROS = join(ROOT, 'vm-images/out/minicirros/disk.qcow2');
/** From the notice to the stop: long enough for a 1 s poller to see it, short enough for CI. */
const NOTICE_S = 20;

/**
 * The guest's poller (what a termination handler does; AWS suggests every 5 s): in the background, so
 * the boot goes on; busybox wget under `timeout` (its own -T segfaults when a connect fails).
 */
const POLLER = `#!/bin/sh
( while :; do
    if a=$(timeout 5 wget -q -O - http://169.254.169.254/latest/meta-data/spot/instance-action 2>/dev/null); then
      echo "spot-notice: $a" > /dev/console; break
    fi
    sleep 1
  done ) &
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let home = '';
let netns = '';

function mc(args: string[], timeoutMs = 60_000): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, MINICLOUD_HOME: home } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: Result): Result {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describeWhen({ root: true, commands: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables', 'nft'] }, 'spot interruption drill: a minicirros guest sees the notice and is stopped at the time', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
    if (!existsSync(MINICIRROS)) throw new Error(`${MINICIRROS} is missing: run \`make images\` first`);
    home = mkdtempSync(join(tmpdir(), 'mc-events-'));
    netns = `mcevt-${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  });

  afterAll(() => {
    // Whatever happened, leave nothing behind: stop the cloud, then anything still in the namespace.
    if (home !== '' && existsSync(join(home, 'controller.sock'))) mc(['down'], 120_000);
    if (netns !== '' && execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').some((l) => l.split(' ')[0] === netns)) {
      for (const pid of execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      execFileSync('ip', ['netns', 'del', netns]);
    }
    if (home !== '') rmSync(home, { recursive: true, force: true });
  });

  it('event spot --in 20s --action stop: the poller gets the notice, the guest powers off at the time and stays stopped', async () => {
    ok(mc(['up', '-d', '--netns', netns, '--driver', 'qemu'], 120_000));
    const poller = join(home, 'poll.sh');
    writeFileSync(poller, POLLER);
    ok(mc(['run', 'minicirros', '--name', 'spot', '--user-data', poller, '--wait-for', 'userdata', '--timeout', '4m'], 300_000));
    type Logged = { time: number; path: string; status: number };
    const polls = (): Logged[] =>
      ok(mc(['metadata-log', 'spot', '--json'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Logged).filter((r) => r.path === '/latest/meta-data/spot/instance-action');
    // The poller runs once the guest has its user-data: no notice yet, so 404.
    await until('the poller\'s first 404', () => (polls().some((r) => r.status === 404) ? true : undefined), 60_000);

    const made = JSON.parse(ok(mc(['event', 'spot', 'spot', '--in', `${NOTICE_S}s`, '--action', 'stop', '--json'])).stdout) as { id: string; instanceId: string; actionAt: number; status: string };
    expect(made.status).toBe('notice');
    const announced = new Date(made.actionAt).toISOString().replace(/\.\d{3}Z$/, 'Z');

    // The guest's poller prints the notice as AWS documents it.
    const consoleWithNotice = await until('the notice on the console', () => {
      const text = ok(mc(['console-log', 'spot'])).stdout;
      return text.includes('spot-notice:') ? text : undefined;
    }, 15_000);
    const noticeLine = /spot-notice: (.*)/.exec(consoleWithNotice)?.[1]?.trim() ?? '';
    expect(JSON.parse(noticeLine)).toEqual({ action: 'stop', time: announced });
    const noticeSeenAt = Date.now();
    expect(noticeSeenAt).toBeLessThan(made.actionAt);
    expect((JSON.parse(ok(mc(['ls', '--json'])).stdout) as { state: string }[])[0]?.state).toBe('running');

    // At the time: ACPI power button, the guest shuts down, the instance stays stopped.
    const stoppedAt = await until('ls shows the instance stopped', () => {
      const [inst] = JSON.parse(ok(mc(['ls', '--json'])).stdout) as { name: string; state: string }[];
      return inst?.state === 'stopped' ? Date.now() : undefined;
    }, (NOTICE_S + 60) * 1000);
    expect(stoppedAt).toBeGreaterThanOrEqual(made.actionAt);
    const [event] = JSON.parse(ok(mc(['event', 'ls', '--json'])).stdout) as { id: string; status: string; fired: { at: number; outcome: string; detail: string | null } | null }[];
    expect(event).toMatchObject({ id: made.id, status: 'fired', fired: { outcome: 'stopped', detail: null } });
    expect(event?.fired?.at).toBeGreaterThanOrEqual(made.actionAt);
    const consoleLog = ok(mc(['console-log', 'spot'])).stdout;
    expect(consoleLog.indexOf('minicirros: ACPI power button: powering off')).toBeGreaterThan(consoleLog.indexOf('spot-notice:'));
    process.stdout.write(`spot drill: notice seen ${((made.actionAt - noticeSeenAt) / 1000).toFixed(1)} s before the time; stopped ${((event?.fired?.at ?? 0) - made.actionAt) / 1000} s after it\n`);

    // The request log: 404s before the notice, then a 200 for spot/instance-action before the action time.
    const seen = polls();
    expect(seen.some((r) => r.status === 404 && r.time < made.actionAt - NOTICE_S * 1000)).toBe(true);
    const first200 = seen.find((r) => r.status === 200);
    expect(first200?.time).toBeLessThan(made.actionAt);

    // Stopped means stopped: the controller's reconcile does not start it again.
    await new Promise((r) => setTimeout(r, 3000));
    expect((JSON.parse(ok(mc(['ls', '--json'])).stdout) as { state: string }[])[0]?.state).toBe('stopped');
  }, 480_000);
});
