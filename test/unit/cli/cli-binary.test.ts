import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { assertBuilt, ROOT, runCli, serveCli } from './run-cli.js';

const EXAMPLE = join(ROOT, 'fixtures/instances.example.yaml');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(assertBuilt);

describe('minicloud (built CLI): help, version, usage errors', () => {
  it('--help lists the commands and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: minicloud');
    expect(r.stdout).toContain('metadata');
  });

  it('metadata serve --help shows its flags and exits 0', () => {
    const r = runCli(['metadata', 'serve', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--listen', '--instances', '--state-dir', '--json']) expect(r.stdout).toContain(flag);
  });

  it('--version prints the package version and exits 0', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('an unknown option exits 1 (usage) and says which', () => {
    const r = runCli(['--frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });

  it('an unknown command exits 1', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command');
  });

  it('metadata serve without --instances exits 1', () => {
    const r = runCli(['metadata', 'serve']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--instances');
  });

  it('a malformed --listen exits 1 with MC_ERR_USAGE saying what is expected', () => {
    for (const listen of ['localhost', '127.0.0.1:99999', ':80', '1.2.3.4:http']) {
      const r = runCli(['metadata', 'serve', '--instances', EXAMPLE, '--listen', listen]);
      expect(r.code, listen).toBe(1);
      expect(r.stderr, listen).toContain('--listen: expected HOST:PORT');
      expect(r.stderr, listen).toContain('[MC_ERR_USAGE]');
    }
  });
});

describe('minicloud metadata serve (built CLI): bad files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing instances file exits 1 with MC_ERR_FILE_UNREADABLE', () => {
    const r = runCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', join(dir, 'none.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such file [MC_ERR_FILE_UNREADABLE]');
  });

  it('an invalid instances file exits 1 naming the field and the reason, with a hint', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'instances:\n  - ip: 10.0.0.1\n    mac: nope\n');
    const r = runCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('/instances/0/mac: expected a MAC address');
    expect(r.stderr).toContain('[MC_ERR_FILE_INVALID]');
    expect(r.stderr).toContain('hint: ');
    expect(r.stderr).toContain('docs/configuration.md');
  });
});

describe('minicloud metadata serve (built CLI): serving', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints where it listens, answers 127.0.0.1 as the example instance, logs each request, exits 0 on SIGTERM keeping every record', async () => {
    const server = await serveCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', EXAMPLE, '--state-dir', dir]);
    expect(server.stdout()).toMatch(/^minicloud metadata server listening on http:\/\/127\.0\.0\.1:\d+ \(3 instances\)\n/);
    const res = await fetch(`${server.url}/latest/meta-data/instance-id`, { headers: { 'user-agent': 'cli-test/1' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('i-0123456789abcdef0');
    for (let i = 0; i < 20; i++) await (await fetch(`${server.url}/latest/meta-data/hostname`)).text();
    const unknown = await fetch(`${server.url}/nope`);
    await unknown.text();
    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toMatch(
      /\n\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1 i-0123456789abcdef0 GET \/latest\/meta-data\/instance-id 200 19b \d+\.\dms "cli-test\/1"\n/,
    );
    expect(server.stdout()).toContain('stopping (SIGTERM)');
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    const rows = db.prepare('SELECT path, status FROM metadata_requests ORDER BY seq').all() as { path: string; status: number }[];
    db.close();
    expect(rows).toHaveLength(22);
    expect(rows[0]).toEqual({ path: '/latest/meta-data/instance-id', status: 200 });
  });

  it('--json writes one JSON record per request on stdout and the banner on stderr', async () => {
    const server = await serveCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', EXAMPLE, '--json']);
    expect(server.stderr()).toContain('listening on');
    await (await fetch(`${server.url}/latest/meta-data/local-ipv4`)).text();
    expect(await server.stop('SIGINT')).toBe(0);
    const lines = server.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      sourceIp: '127.0.0.1',
      method: 'GET',
      path: '/latest/meta-data/local-ipv4',
      status: 200,
      bytes: 9,
      tokenUsed: false,
      flavour: 'ec2',
    });
  });

  it('a port in use exits 2 with MC_ERR_LISTEN_IN_USE and a hint', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = runCli(['metadata', 'serve', '--listen', `127.0.0.1:${port}`, '--instances', EXAMPLE, '--state-dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use [MC_ERR_LISTEN_IN_USE]`);
      expect(r.stderr).toContain('hint: ');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('an address this host does not have exits 2 with MC_ERR_LISTEN_ADDRESS', () => {
    // 192.0.2.0/24 is TEST-NET-1: never configured on a host.
    const r = runCli(['metadata', 'serve', '--listen', '192.0.2.1:8775', '--instances', EXAMPLE, '--state-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[MC_ERR_LISTEN_ADDRESS]');
  });
});

describeWhen({ root: true, commands: ['runuser'] }, 'minicloud metadata serve (built CLI): privileged port as an unprivileged user', () => {
  it('port 80 as nobody exits 2 with MC_ERR_LISTEN_DENIED and the CAP_NET_BIND_SERVICE hint', () => {
    const r = runCli(['metadata', 'serve', '--listen', '127.0.0.1:80', '--instances', EXAMPLE, ], {
      prefix: ['runuser', '-u', 'nobody', '--'],
    });
    expect(r.stderr).toContain('[MC_ERR_LISTEN_DENIED]');
    expect(r.stderr).toContain('port 80 needs root or CAP_NET_BIND_SERVICE');
    expect(r.code).toBe(2);
  });
});
