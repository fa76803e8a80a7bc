// Issue 7 "Done when": the real `minicloud up` (built CLI) on a real terminal (tmux), in a network
// namespace the test owns, with one minicirros guest; everything is asserted from `capture-pane`.
// At 80×24 the guest comes from `minicloud run` in another process; at 160×48 from the TUI's `r`.
// Each then goes with `d` (+ y), and `q` → `s` stops the cloud and leaves nothing behind.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { TmuxTerminal } from '../../helpers/tmux.js';

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const MINICIRROS = join(ROOT, 'vm-images/out/minicirros/disk.qcow2');

interface Listed {
  id: string;
  name: string;
  stage: string;
}

/** One cloud: its own MINICLOUD_HOME and netns, `up` running in a tmux terminal. */
class CloudInTmux {
  readonly home = mkdtempSync(join(tmpdir(), 'mc-tui-'));
  readonly netns = `mctui-${randomBytes(3).toString('hex')}`;
  readonly columns: number;
  readonly rows: number;
  term: TmuxTerminal | null = null;

  constructor(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
  }

  async start(): Promise<TmuxTerminal> {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
    if (!existsSync(MINICIRROS)) throw new Error(`${MINICIRROS} is missing: run \`make images\` first`);
    execFileSync('ip', ['netns', 'add', this.netns]);
    execFileSync('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up']);
    this.term = await TmuxTerminal.start({
      argv: [process.execPath, CLI, 'up', '--netns', this.netns],
      columns: this.columns,
      rows: this.rows,
      env: { MINICLOUD_HOME: this.home },
      cwd: ROOT,
    });
    return this.term;
  }

  /** The CLI as another process against the same cloud; resolves with the exit code and output. */
  async mc(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, MINICLOUD_HOME: this.home } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: unknown; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
    }
  }

  async listed(): Promise<Listed[]> {
    const r = await this.mc(['ls', '--json']);
    if (r.code !== 0) throw new Error(`ls --json: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Listed[];
  }

  /** Live processes (qemu, dnsmasq, the controller) whose command line names this cloud's home. */
  leftoverProcesses(): string[] {
    const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes(this.home) && !l.includes('ps -eo') && !l.includes('<defunct>') && !l.includes('tmux'));
  }

  linksInNetns(): string[] {
    const out = execFileSync('ip', ['-n', this.netns, '-o', 'link', 'show'], { encoding: 'utf8' });
    return out.trim().split('\n').map((l) => l.split(':')[1]?.trim() ?? '');
  }

  /** Whatever happened: the terminal, the cloud, anything left in the namespace, the namespace, the home. */
  async destroy(): Promise<void> {
    const problems: unknown[] = [];
    await this.term?.kill().catch((err: unknown) => problems.push(err));
    if (existsSync(join(this.home, 'controller.sock'))) await this.mc(['down'], 120_000);
    if (existsSync(`/run/netns/${this.netns}`)) {
      const pids = execFileSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8' }).split('\n').filter(Boolean);
      for (const pid of pids) {
        process.stderr.write(`netns ${this.netns}: ending leftover pid ${pid}\n`);
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ESRCH') problems.push(err);
        }
      }
      try {
        execFileSync('ip', ['netns', 'del', this.netns]);
      } catch (err) {
        problems.push(err);
      }
    }
    rmSync(this.home, { recursive: true, force: true });
    if (problems.length > 0) throw new AggregateError(problems, `cleanup of ${this.netns} failed`);
  }
}

const NEEDS = { root: true, commands: ['tmux', 'qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables', 'nft', 'ssh-keygen'] };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The frame sits where it should: the header on the first row, nothing on the last (the frame is
 * rows - 1 lines), the footer right above it. A renderer that loses track of the cursor shifts it.
 */
function expectWholeFrame(screen: string, rows: number): void {
  const lines = screen.split('\n');
  expect(lines).toHaveLength(rows);
  expect(lines[0]).toMatch(/^minicloud (up|connecting|starting|stopping) /);
  expect(lines[rows - 1]).toBe('');
  expect(lines[rows - 2]?.trim()).not.toBe('');
}

/** A request row of `name`: a /2009-04-04/…instance-id path answered 200 (the path may be shortened in the middle). */
const instanceIdRow = (name: string): RegExp => new RegExp(`${name}\\s+GET\\s+/2009-04-04/\\S*instance-id\\s+200\\b`);

/** `d`, the question, `y`: the guest leaves the screen and `ls --json`. */
async function deleteWithD(cloud: CloudInTmux, term: TmuxTerminal, name: string): Promise<void> {
  await term.press('d');
  await term.waitFor('the delete question', new RegExp(`delete ${name} \\(i-[0-9a-f]+\\)\\? y/N`));
  await term.press('y');
  await term.waitFor(`${name} to leave the instances pane`, (s) => /Instances \(0\)/.test(s) && !new RegExp(`^\\S+\\s+${name}\\s`, 'm').test(s), 120_000);
  const deadline = Date.now() + 60_000;
  while ((await cloud.listed()).some((i) => i.name === name)) {
    if (Date.now() > deadline) throw new Error(`${name} is still listed by ls --json`);
    await sleep(500);
  }
  expectWholeFrame(await term.screen(), cloud.rows);
}

/** The processes of the terminal's session (the pane's process leads it), to tell a live `up` from an unreaped one. */
function sessionProcesses(sid: number): string {
  try {
    return execFileSync('ps', ['-o', 'pid,ppid,stat,wchan:24,args', '-s', String(sid)], { encoding: 'utf8' });
  } catch (err) {
    // ps exits 1 when the session has no process left; that is the answer, not a failure.
    return (err as { status?: number }).status === 1 ? `no process left in session ${sid}` : String(err);
  }
}

/** `q`, then `s`: the TUI stops the cloud, `up` exits 0, and nothing is left. */
async function quitAndStop(cloud: CloudInTmux, term: TmuxTerminal): Promise<void> {
  await term.press('q');
  await term.waitFor('the quit question', /quit: s stop the cloud, d detach/);
  await term.press('s');
  const deadline = Date.now() + 120_000;
  let status: number | null;
  while ((status = await term.exitStatus()) === null) {
    if (Date.now() > deadline) throw new Error(`up did not exit after q, s; its session:\n${sessionProcesses(await term.panePid())}\nthe screen:\n${await term.screen()}`);
    await sleep(250);
  }
  expect(status).toBe(0);
  while (existsSync(join(cloud.home, 'controller.sock')) || cloud.leftoverProcesses().length > 0) {
    if (Date.now() > deadline) throw new Error(`the cloud is still going after q, s: ${cloud.leftoverProcesses().join('; ')}`);
    await sleep(500);
  }
  expect((await cloud.mc(['ls'])).code).toBe(2);
  expect(cloud.linksInNetns()).toEqual(['lo']);
  expect(execFileSync('ip', ['netns', 'exec', cloud.netns, 'nft', 'list', 'ruleset'], { encoding: 'utf8' })).not.toMatch(/minicloud|169\.254\.169\.254/);
}

describeWhen(NEEDS, 'minicloud up in tmux at 80×24 (guest from `minicloud run`)', () => {
  // Made in beforeAll, not here: a suite left out by a filter (-t) runs no hooks and would leak its home.
  let cloud: CloudInTmux;
  let term: TmuxTerminal;

  beforeAll(async () => {
    cloud = new CloudInTmux(80, 24);
    term = await cloud.start();
  });
  afterAll(() => cloud.destroy());

  it('shows the empty dashboard filling the 80×24 terminal', async () => {
    expect(await term.size()).toEqual({ columns: 80, rows: 24 });
    const screen = await term.waitFor('the dashboard of a cloud that is up', /^minicloud up [^]*no instances: press r to run one/, 120_000);
    expectWholeFrame(screen, 24);
    expect(screen).toMatch(/Metadata requests \(0\)/);
  });

  it('shows a guest launched by `minicloud run` reaching userdata, with its metadata requests', async () => {
    const run = await cloud.mc(['run', 'minicirros', '--name', 'cli-1', '--wait-for', 'userdata', '--timeout', '4m', '--json'], 300_000);
    expect(run.code, run.stderr).toBe(0);
    // The screen follows the event stream a frame or so later than `run` returns.
    const stageRow = /^\S+ +(userdata|ssh|ready) +cli-1 +10\.\d+\.\d+\.\d+ +minicirros/m;
    const screen = await term.waitFor('cli-1 past userdata, with its requests', (s) => stageRow.test(s) && /cli-1\s+GET\s+\/2009-04-04\//.test(s));
    expectWholeFrame(screen, 24);
    // Eleven request rows fit at 80×24 and the guest's first request (instance-id) has scrolled by:
    // the `/` filter brings it back.
    await term.press('/');
    await term.type('instance-id');
    await term.press('Enter');
    expectWholeFrame(await term.waitFor('the instance-id request under the filter', instanceIdRow('cli-1')), 24);
    await term.press('Escape');
    await term.waitFor('the dashboard without the filter', stageRow);
    // The detail view's stage timeline: userdata reached, at a clock time, after a measured step.
    await term.press('Enter');
    const detail = await term.waitFor('the detail view', /^Stages/m);
    expect(detail).toMatch(/^userdata\s+\d\d:\d\d:\d\d\s+\+\d+(ms|\.\ds|s)/m);
    expect(detail).toMatch(/Its metadata requests \(\d+\)/);
    expectWholeFrame(detail, 24);
    await term.press('Escape');
    await term.waitFor('the dashboard again', /Instances \(1\)/);
  });

  it('d asks, and y deletes the guest: gone from the screen and from ls --json', () => deleteWithD(cloud, term, 'cli-1'));

  it('q, then s: the cloud goes down and nothing is left', () => quitAndStop(cloud, term));
});

describeWhen(NEEDS, 'minicloud up in tmux at 160×48 (guest from the `r` key)', () => {
  // Made in beforeAll, not here: a suite left out by a filter (-t) runs no hooks and would leak its home.
  let cloud: CloudInTmux;
  let term: TmuxTerminal;

  beforeAll(async () => {
    cloud = new CloudInTmux(160, 48);
    term = await cloud.start();
    await term.waitFor('the dashboard', /no instances: press r to run one/, 120_000);
  });
  afterAll(() => cloud.destroy());

  it('r launches a guest from the prompts; it reaches userdata and its requests show in full', async () => {
    await term.press('r');
    await term.waitFor('the image prompt', /run image: /);
    await term.type('minicirros');
    await term.press('Enter');
    await term.waitFor('the options prompt', /run minicirros options: /);
    await term.type('--name tui-1');
    await term.press('Enter');
    const deadline = Date.now() + 300_000;
    for (;;) {
      const mine = (await cloud.listed()).find((i) => i.name === 'tui-1');
      if (mine && ['userdata', 'ssh', 'ready'].includes(mine.stage)) break;
      if (Date.now() > deadline) throw new Error(`tui-1 did not reach userdata: ${JSON.stringify(mine)}; the screen:\n${await term.screen()}`);
      await sleep(1000);
    }
    // Wide enough for the whole path and the id column.
    // The dashboard trails the API by up to a frame interval (longer on a loaded host): wait for both.
    const stageRow = /^\S+ +(userdata|ssh|ready) +tui-1 +i-[0-9a-f]{17} +10\.\d+\.\d+\.\d+/m;
    const pathRow = /tui-1\s+GET\s+\/2009-04-04\/meta-data\/instance-id\s+200\b/;
    const screen = await term.waitFor('tui-1 past userdata, with its full instance-id path', (s) => stageRow.test(s) && pathRow.test(s));
    expectWholeFrame(screen, 48);
  });

  it('redraws cleanly when the terminal shrinks to 80×24 and grows back', async () => {
    await term.resize(80, 24);
    expectWholeFrame(await term.waitFor('the 80×24 frame', (s) => s.split('\n').length === 24 && /^minicloud up /.test(s) && /Metadata requests/.test(s)), 24);
    await term.resize(160, 48);
    expectWholeFrame(await term.waitFor('the 160×48 frame', (s) => s.split('\n').length === 48 && /\/2009-04-04\/meta-data\/instance-id/.test(s)), 48);
  });

  it('d asks, and y deletes the guest: gone from the screen and from ls --json', () => deleteWithD(cloud, term, 'tui-1'));

  it('q, then s: the cloud goes down and nothing is left', () => quitAndStop(cloud, term));
});

describeWhen(NEEDS, 'minicloud up in tmux when the cloud is stopped from another shell', () => {
  // Made in beforeAll, not here: a suite left out by a filter (-t) runs no hooks and would leak its home.
  let cloud: CloudInTmux;
  let term: TmuxTerminal;

  beforeAll(async () => {
    cloud = new CloudInTmux(80, 24);
    term = await cloud.start();
    await term.waitFor('the dashboard', /no instances: press r to run one/, 120_000);
  });
  afterAll(() => cloud.destroy());

  it('`minicloud down` elsewhere closes the dashboard: up exits 0 and says why', async () => {
    const down = await cloud.mc(['down'], 120_000);
    expect(down.code, down.stderr).toBe(0);
    // The controller did not wait for the attached dashboard's event stream to end by itself.
    expect(down.stderr).toMatch(/cloud is down/);
    const deadline = Date.now() + 60_000;
    let status: number | null;
    while ((status = await term.exitStatus()) === null) {
      if (Date.now() > deadline) throw new Error(`up did not exit after \`minicloud down\`; the screen:\n${await term.screen()}`);
      await sleep(250);
    }
    expect(status).toBe(0);
    expect(await term.screen()).toMatch(/minicloud was stopped from elsewhere/);
    expect(cloud.leftoverProcesses()).toEqual([]);
  });
});
