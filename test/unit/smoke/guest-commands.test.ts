import { execFile } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localIpv4Command, passwordRoundTripCommand, PASSWORD_PATH } from '../../../src/smoke/guest-commands.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

const run = promisify(execFile);
const EC2_LOCAL_IPV4 = { path: '/latest/meta-data/local-ipv4', headers: {} };
const GCE_LOCAL_IPV4 = { path: '/computeMetadata/v1/instance/network-interfaces/0/ip', headers: { 'Metadata-Flavor': 'Google' } };

/**
 * The in-guest commands run for real under busybox sh against a local stand-in of the metadata
 * service, once per HTTP client a guest may have (curl, python3, busybox wget): PATH holds only that
 * client, as on the guest images.
 */
describeWhen({ commands: ['busybox', 'curl', 'python3'] }, 'smoke guest commands under busybox sh', () => {
  let server: Server;
  let base = '';
  let stored: string | null = null;
  const dirs: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/latest/meta-data/local-ipv4') return void res.end('10.250.0.10');
        // A cloud that requires a header (GCE's Metadata-Flavor): refused without it, as GCE does.
        if (req.url === '/computeMetadata/v1/instance/network-interfaces/0/ip') {
          if (req.headers['metadata-flavor'] !== 'Google') return void res.writeHead(403).end('missing header');
          return void res.end('10.250.0.11');
        }
        if (req.url === PASSWORD_PATH && req.method === 'POST') {
          stored = body;
          return void res.end();
        }
        if (req.url === PASSWORD_PATH) return void res.end(stored ?? '');
        res.statusCode = 404;
        res.end('not found');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await new Promise((r) => server.close(r));
  });

  /** A PATH with busybox's sh/timeout/wget and, optionally, one more real tool. */
  function pathWith(tool: 'curl' | 'python3' | 'wget'): string {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-guest-'));
    dirs.push(dir);
    const busybox = realpathSync('/usr/bin/busybox');
    for (const applet of ['sh', 'timeout', 'cat']) symlinkSync(busybox, join(dir, applet));
    if (tool === 'wget') symlinkSync(busybox, join(dir, 'wget'));
    else symlinkSync(realpathSync(tool === 'curl' ? '/usr/bin/curl' : '/usr/bin/python3'), join(dir, tool));
    return dir;
  }

  for (const tool of ['curl', 'python3', 'wget'] as const) {
    it(`reads local-ipv4 and round-trips the password with ${tool}`, async () => {
      const env = { PATH: pathWith(tool) };
      const ip = await run('sh', ['-c', localIpv4Command(EC2_LOCAL_IPV4, base)], { env });
      expect(ip.stdout).toBe('10.250.0.10');
      const gce = await run('sh', ['-c', localIpv4Command(GCE_LOCAL_IPV4, base)], { env });
      expect(gce.stdout).toBe('10.250.0.11');
      stored = null;
      const pw = await run('sh', ['-c', passwordRoundTripCommand(`Abc123${tool}`, base)], { env });
      expect(pw.stdout).toBe(`Abc123${tool}`);
      expect(stored).toBe(`Abc123${tool}`);
    });
  }

  it('fails (non-zero) on an HTTP error', async () => {
    for (const tool of ['curl', 'python3', 'wget'] as const) {
      await expect(run('sh', ['-c', localIpv4Command(EC2_LOCAL_IPV4, `${base}/nothing`)], { env: { PATH: pathWith(tool) } })).rejects.toMatchObject({ code: expect.any(Number) });
      // The header is what makes the request succeed: without it, the stand-in refuses (403).
      await expect(run('sh', ['-c', localIpv4Command({ ...GCE_LOCAL_IPV4, headers: {} }, base)], { env: { PATH: pathWith(tool) } })).rejects.toMatchObject({ code: expect.any(Number) });
    }
  });

  it('refuses a password that would need shell quoting', () => {
    expect(() => passwordRoundTripCommand('a b;rm')).toThrow(/alphanumeric/);
  });
});
