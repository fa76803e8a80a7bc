// Issue 15, IPv6 endpoints, vm tier: a booted guest fetches EC2 metadata over [fd00:ec2::254] and is
// answered as itself; a guest forging another's IPv6 source gets nothing. One `up --netns` with the qemu
// driver, two minicirros guests booted together (busybox wget speaks IPv6; the kernel SLAACs from the
// bridge's router advertisements), checked through `minicloud exec`.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloudIpv6, guestIpv6 } from '../../../src/core/ipv6.js';
import { describeWhen } from '../../helpers/tier-requirements.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const MINICIRROS = join(ROOT, 'vm-images/out/minicirros/disk.qcow2');
const ID_URL = 'http://[fd00:ec2::254]/latest/meta-data/instance-id';

/**
 * User-data for both guests (minicirros runs it as root at boot; `exec` logs in as cirros, who cannot
 * change addresses): in the background, wait until ~cirros/forge-as (cirros cannot write /tmp) names two addresses, take them in place of
 * the guest's own (no DAD, no more router advertisements), fetch the instance-id over IPv6 and report.
 */
const FORGE_ON_REQUEST = `#!/bin/sh
(
  while [ ! -s /home/cirros/forge-as ]; do sleep 0.5; done
  read GLOBAL LINKLOCAL < /home/cirros/forge-as
  # The router the RAs named: flushing the addresses (or turning RAs off) can drop the RA's default route,
  # and the forger must still have one, or it would prove nothing about the filter.
  ROUTER=$(ip -6 route | awk '/^default/ {print $3; exit}')
  echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_ra
  echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad
  ip -6 addr flush dev eth0
  ip -6 addr add $GLOBAL/64 dev eth0
  ip -6 addr add $LINKLOCAL/64 dev eth0
  [ -n "$ROUTER" ] && ip -6 route replace default via $ROUTER dev eth0
  ip -6 route | grep -q '^default' && echo ROUTE
  sleep 1
  ip -6 addr show dev eth0
  if timeout 5 wget -q -O - '${ID_URL}'; then echo; echo ANSWERED; else echo NOTHING; fi
  echo DONE
) > /home/cirros/forge-result 2>&1 &
`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const REQUIRES = { root: true, commands: ['qemu-system-x86_64', 'qemu-img', 'dnsmasq', 'iptables', 'ip6tables', 'nft', 'ssh', 'ssh-keygen'] };

describeWhen(REQUIRES, 'IPv6 metadata endpoints with booted guests (minicirros, qemu driver, own netns)', () => {
  let home = '';
  const netns = `mcv6-${randomBytes(3).toString('hex')}`;
  const mc = (args: string[], timeoutMs = 60_000): Result => {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, MINICLOUD_HOME: home } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (r: Result): Result => {
    if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const inNs = (cmd: string[]): string => execFileSync('ip', ['netns', 'exec', netns, ...cmd], { encoding: 'utf8' });

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'mc-v6-'));
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
    if (!existsSync(MINICIRROS)) throw new Error(`${MINICIRROS} is missing: run \`make images\` first`);
    execFileSync('ip', ['netns', 'add', netns]);
    execFileSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  });

  afterAll(() => {
    if (existsSync(join(home, 'controller.sock'))) mc(['down'], 90_000);
    const pids = execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    execFileSync('ip', ['netns', 'del', netns]);
    rmSync(home, { recursive: true, force: true });
  });

  it("a guest fetches [fd00:ec2::254] and is answered as itself; a guest forging another's IPv6 source gets nothing", () => {
    const up = ok(mc(['up', '-d', '--netns', netns, '--driver', 'qemu'], 120_000));
    const cloudId = /cloud (\S+),/.exec(up.stderr)?.[1] ?? '';
    const started = Date.now();
    const forger = join(home, 'forge-on-request.sh');
    writeFileSync(forger, FORGE_ON_REQUEST);
    const launched = JSON.parse(ok(mc(['run', 'minicirros', '--name', 'v6', '--count', '2', '--user-data', forger, '--wait-for', 'ssh', '--timeout', '4m', '--json'], 300_000)).stdout) as { id: string; name: string }[];
    process.stdout.write(`ipv6 vm: 2 x minicirros to ssh in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const [alpha, bravo] = launched.map((i) => {
      const { mac } = JSON.parse(ok(mc(['info', i.name, '--json'])).stdout) as { mac: string };
      return { ...i, v6: guestIpv6(cloudIpv6(cloudId), mac.toLowerCase()) };
    });
    if (alpha === undefined || bravo === undefined) throw new Error(`expected two guests, got ${JSON.stringify(launched)}`);

    // alpha: SLAAC from the router advertisement (its address is the cloud's /64 + EUI-64 of its MAC), then busybox wget.
    const fetched = Date.now();
    const own = mc(['exec', alpha.name, '--', 'sh', '-c',
      `for i in $(seq 1 40); do ip -6 addr show dev eth0 | grep -q '${alpha.v6.global}/64' && timeout 5 wget -q -O - '${ID_URL}' && exit 0; sleep 0.5; done; ip -6 addr; ip -6 route; exit 1`], 120_000);
    expect(own.stdout.trim(), own.stderr).toBe(alpha.id);
    process.stdout.write(`ipv6 vm: SLAAC and the fetch over [fd00:ec2::254] took ${((Date.now() - fetched) / 1000).toFixed(1)} s after ssh\n`);
    const log = (): { instanceId: string | null; sourceIp: string; path: string; status: number }[] =>
      ok(mc(['metadata-log', '--json'])).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { instanceId: string | null; sourceIp: string; path: string; status: number });
    const overIpv6 = log().filter((r) => r.sourceIp.includes(':'));
    expect(overIpv6).toContainEqual(expect.objectContaining({ instanceId: alpha.id, sourceIp: alpha.v6.global, path: '/latest/meta-data/instance-id', status: 200 }));

    // bravo, as root (its user-data; `exec` logs in as cirros), takes alpha's two addresses with no DAD and
    // no more router advertisements, and asks the same.
    const drops = (): number => [...inNs(['nft', 'list', 'table', 'bridge', `minicloud-${cloudId}`]).matchAll(/counter packets (\d+) bytes \d+ drop/g)].reduce((n, m) => n + Number(m[1]), 0);
    const dropsBefore = drops();
    const logged = log().length;
    ok(mc(['exec', bravo.name, '--', 'sh', '-c', `echo '${alpha.v6.global} ${alpha.v6.linkLocal}' > /home/cirros/forge-as`]));
    const forged = mc(['exec', bravo.name, '--', 'sh', '-c', 'for i in $(seq 1 60); do grep -q DONE /home/cirros/forge-result 2>/dev/null && break; sleep 0.5; done; cat /home/cirros/forge-result'], 120_000);
    const seen = `alpha ${alpha.id} ${alpha.v6.global}, bravo ${bravo.id} ${bravo.v6.global}\n${forged.stdout}\n${JSON.stringify(log().slice(logged))}`;
    expect(forged.stdout, seen).toContain(`${alpha.v6.global}/64`);
    expect(forged.stdout, seen).not.toContain(`${bravo.v6.global}/64`);
    expect(forged.stdout, seen).toContain('ROUTE');
    expect(forged.stdout, seen).toContain('NOTHING');
    expect(forged.stdout).not.toContain(alpha.id);
    expect(log().slice(logged).filter((r) => r.sourceIp.includes(':'))).toEqual([]);
    expect(drops()).toBeGreaterThan(dropsBefore);

    ok(mc(['down'], 120_000));
    expect(inNs(['ip6tables-save'])).not.toMatch(/minicloud|MC-/);
  });
});
