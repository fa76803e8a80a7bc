import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestNetns } from './netns.js';

/**
 * Test scaffolding, not the product's network plane: inside a TestNetns it builds what a guest needs
 * to reach a metadata server, with plain `ip`/`iptables`/`dnsmasq` commands (host-notes §3):
 *   - bridge `mcbr0` holding the gateway address `<subnet>.1/24`;
 *   - dnsmasq (DHCP only, `--no-ping`, one static lease per host, router option and option 121
 *     with both `169.254.169.254/32` and `0.0.0.0/0` via the gateway);
 *   - DNAT of `169.254.169.254:80` arriving on the bridge to `<gateway>:<metadataPort>`.
 * No egress NAT or forwarding: nothing leaves the namespace. Everything goes away with `ns.destroy()`
 * (dnsmasq is the namespace's child); `close()` only removes the scratch directory.
 */
export interface GuestHost {
  /** Lowercase colon-separated MAC the guest's NIC will have. */
  mac: string;
  ip: string;
  hostname?: string;
}

export interface GuestNetwork {
  bridge: string;
  gateway: string;
  /** `gateway:port`, where the metadata server must listen. */
  metadataListen: string;
  /** Creates a persistent tap enslaved to the bridge; give its name to `-netdev tap,ifname=`. */
  addTap(name: string): Promise<string>;
  /** Connections DNATed to the metadata server so far (the rule's packet counter: one SYN each). */
  metadataConnections(): Promise<number>;
  /** dnsmasq's log so far (DHCP exchanges), for failure messages. */
  dnsmasqLog(): string;
  close(): void;
}

const METADATA_IP = '169.254.169.254';

export async function createGuestNetwork(
  ns: TestNetns,
  opts: { subnet?: string; metadataPort: number; hosts: GuestHost[] },
): Promise<GuestNetwork> {
  const subnet = opts.subnet ?? '10.77.0';
  const gateway = `${subnet}.1`;
  const bridge = 'mcbr0';
  const scratch = mkdtempSync(join(tmpdir(), 'mc-guestnet-'));

  await ns.run('ip', ['link', 'add', bridge, 'type', 'bridge']);
  await ns.run('ip', ['addr', 'add', `${gateway}/24`, 'dev', bridge]);
  await ns.run('ip', ['link', 'set', bridge, 'up']);
  await ns.run('iptables', [
    '-t', 'nat', '-A', 'PREROUTING', '-i', bridge, '-d', METADATA_IP, '-p', 'tcp', '--dport', '80',
    '-j', 'DNAT', '--to-destination', `${gateway}:${opts.metadataPort}`,
  ]);

  const dnsmasq = ns.spawn('dnsmasq', [
    '--keep-in-foreground', '--conf-file=/dev/null', '--bind-interfaces', `--interface=${bridge}`,
    '--except-interface=lo', `--listen-address=${gateway}`, '--port=0', '--no-ping', '--log-dhcp',
    '--log-facility=-', `--dhcp-leasefile=${join(scratch, 'leases')}`, `--pid-file=${join(scratch, 'pid')}`,
    `--dhcp-range=${subnet}.100,${subnet}.199,255.255.255.0,1h`,
    `--dhcp-option=option:router,${gateway}`,
    `--dhcp-option=option:classless-static-route,${METADATA_IP}/32,${gateway},0.0.0.0/0,${gateway}`,
    ...opts.hosts.map((h) => `--dhcp-host=${h.mac},${h.ip}${h.hostname ? `,${h.hostname}` : ''}`),
  ]);
  let log = '';
  dnsmasq.stdout?.on('data', (c: Buffer) => (log += c.toString()));
  dnsmasq.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  await expectStillRunning(dnsmasq, 300, () => log);

  return {
    bridge,
    gateway,
    metadataListen: `${gateway}:${opts.metadataPort}`,
    addTap: async (name) => {
      await ns.run('ip', ['tuntap', 'add', 'dev', name, 'mode', 'tap']);
      await ns.run('ip', ['link', 'set', name, 'master', bridge, 'up']);
      return name;
    },
    metadataConnections: async () => {
      const { stdout } = await ns.run('iptables', ['-t', 'nat', '-L', 'PREROUTING', '-v', '-x', '-n']);
      const rule = stdout.split('\n').find((l) => l.includes('DNAT') && l.includes(METADATA_IP));
      if (!rule) throw new Error(`metadata DNAT rule missing:\n${stdout}`);
      return Number(rule.trim().split(/\s+/)[0]);
    },
    dnsmasqLog: () => log,
    close: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

/** dnsmasq reports bad options and bind failures by exiting at once; give it that moment. */
async function expectStillRunning(child: ChildProcess, ms: number, output: () => string): Promise<void> {
  await sleep(ms);
  if (child.exitCode !== null || child.signalCode !== null) {
    throw new Error(`dnsmasq exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
  }
}
