// Issue 12, "Nothing left behind", the parts that need no guest: a failed `up --netns` and a controller
// killed before the network, each through the built CLI with its own MINICLOUD_HOME and namespace name.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { CLI, CliCloud, killIfAlive, waitForExit, type RunningCli } from './cli-cloud.js';

const REQUIREMENTS = { root: true, commands: ['ip', 'dnsmasq', 'iptables', 'iptables-save', 'nft', 'ssh-keygen', 'mkfifo'] };

/**
 * Makes `up` stop at a known point before it creates anything in the namespace: the cloud's key exists
 * and its public half is a FIFO, so the controller blocks reading it (ensureKeypair: before the state
 * database and the network). Opening the FIFO's write end without blocking succeeds only once a reader
 * has it open, and the reader is then the one process holding the FIFO: the controller. No timing guess.
 * Returns the controller's pid and a release that closes the write end.
 */
async function holdAtKeypair(cloud: CliCloud, start: () => RunningCli): Promise<{ up: RunningCli; controller: number; release: () => void }> {
  const ssh = join(cloud.home, 'ssh');
  mkdirSync(ssh, { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'minicloud', '-f', join(ssh, 'id_ed25519')]);
  const fifo = join(ssh, 'id_ed25519.pub');
  rmSync(fifo);
  execFileSync('mkfifo', [fifo]);
  const up = start();
  const deadline = Date.now() + 30_000;
  let writer: number | null = null;
  while (writer === null) {
    try {
      writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (err) {
      // ENXIO: no reader yet, the controller has not reached the key.
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
      if (up.child.exitCode !== null) throw new Error(`up exited (${up.child.exitCode}) before reading its key:\n${up.stderr()}`, { cause: err });
      if (Date.now() > deadline) throw new Error('up did not reach its key within 30 s', { cause: err });
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const fd = writer;
  const controller = await holderOf(fifo, 10_000);
  return { up, controller, release: () => closeSync(fd) };
}

/** The pid (other than ours) with an open file descriptor on `path`, once there is one. */
async function holderOf(path: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)) {
      if (procList(`/proc/${pid}/fd`).some((fd) => procLink(`/proc/${pid}/fd/${fd}`) === path)) return Number(pid);
    }
    if (Date.now() > deadline) throw new Error(`nothing opened ${path} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const gone = (err: unknown): boolean => ['ENOENT', 'ESRCH', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '');

function procList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if (gone(err)) return [];
    throw err;
  }
}

function procLink(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch (err) {
    if (gone(err)) return null;
    throw err;
  }
}

describeWhen(REQUIREMENTS, 'up --netns that fails, and a controller killed before the network', () => {
  let cloud: CliCloud | null = null;
  let scratch: string | null = null;
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  });
  afterEach(async () => {
    await cloud?.destroy();
    cloud = null;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = null;
  });

  // Config files live in their own scratch dir: the home must show nothing new.
  const badInputs: { name: string; args: (scratch: string) => string[]; code: number; message: RegExp }[] = [
    { name: '--subnet 10.0.0.0/33', args: () => ['--subnet', '10.0.0.0/33'], code: 1, message: /10\.0\.0\.0\/33.* \[MC_ERR_NETWORK_CONFIG\]/ },
    { name: 'a bridge name no interface can have', args: () => ['--bridge', 'this-name-is-too-long'], code: 1, message: /bridge.* \[MC_ERR_NETWORK_CONFIG\]/ },
    {
      name: 'a minicloud.yaml field that does not exist',
      args: (scratch) => {
        writeFileSync(join(scratch, 'bad.yaml'), 'network:\n  subnett: 10.77.0.0/24\n');
        return ['--config', join(scratch, 'bad.yaml')];
      },
      code: 1,
      message: /bad\.yaml.*subnett.* \[MC_ERR_FILE_INVALID\]/,
    },
    {
      name: 'an instances: entry whose image does not exist',
      args: (scratch) => {
        writeFileSync(join(scratch, 'img.yaml'), 'instances:\n  - { name: web, image: no-such-image }\n');
        return ['--config', join(scratch, 'img.yaml')];
      },
      code: 3,
      message: /image no-such-image not found.* \[MC_ERR_IMAGE_NOT_FOUND\]/,
    },
  ];
  for (const bad of badInputs) {
    it(`up -d --netns with ${bad.name}: exits ${bad.code} with the reason, and creates nothing (no namespace, no file)`, async () => {
      cloud = CliCloud.create('mcfail');
      scratch = mkdtempSync(join(tmpdir(), 'mcfail-config-'));
      const r = await cloud.run(['up', '-d', '--netns', cloud.netns, ...bad.args(scratch)]);
      expect(r.code, r.stderr).toBe(bad.code);
      expect(r.stderr).toMatch(bad.message);
      expect(cloud.netnsExists()).toBe(false);
      expect(cloud.homeFiles()).toEqual([]);
      expect(await cloud.leftovers()).toEqual([]);
    });
  }

  it('a failure after the network is up (libvirt unreachable) undoes everything, then deletes the namespace up created', async () => {
    cloud = CliCloud.create('mcfail');
    const started = Date.now();
    // --json runs the controller in the foreground: the failing `up` is this very process tree.
    const r = await cloud.run(['up', '--json', '--netns', cloud.netns, '--driver', 'libvirt', '--connect', `qemu+unix:///system?socket=${cloud.home}/no-such-libvirt-sock`]);
    process.stdout.write(`failed up (network made, then undone): ${Date.now() - started} ms\n`);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no-such-libvirt-sock.* \[MC_ERR_LIBVIRT_FAILED\]/);
    // The network had been made (dnsmasq's files were written) and is gone again, with the namespace.
    expect(cloud.netnsExists()).toBe(false);
    expect(await cloud.leftovers()).toEqual([]);
  });

  it('kill -9 of up and its controller before the network: a plain prune deletes the namespace up created', async () => {
    cloud = CliCloud.create('mcfail');
    const c = cloud;
    const held = await holdAtKeypair(c, () => c.start(['up', '--json', '--netns', c.netns]));
    c.rememberNetns();
    // The whole `up` dies at once (as with an OOM kill or a closed session): nothing can undo anything.
    killIfAlive(held.up.child.pid ?? 0);
    killIfAlive(held.controller);
    await held.up.exited;
    await waitForExit(held.controller, 10_000);
    held.release();
    expect(c.netnsExists()).toBe(true);

    const pruned = await c.run(['prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain(`netns ${c.netns} deleted`);
    expect(await c.leftovers()).toEqual([]);
    // Nothing left: a second prune finds nothing and succeeds.
    const again = await c.run(['prune', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ crashedRun: { processes: [], taps: [], files: [], left: [] }, netns: null });
  });

  it('kill -9 of the controller alone before the network: up sees it die and deletes the namespace it created', async () => {
    cloud = CliCloud.create('mcfail');
    const c = cloud;
    const held = await holdAtKeypair(c, () => c.start(['up', '--json', '--netns', c.netns]));
    c.rememberNetns();
    killIfAlive(held.controller);
    const up = await held.up.exited;
    held.release();
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/killed by SIGKILL/);
    expect(c.netnsExists()).toBe(false);
    const pruned = await c.run(['prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(await c.leftovers()).toEqual([]);
  });
});
