import { resolve } from 'node:path';
import type { RunResult } from '../../helpers/netns.js';
import { TestNetns } from '../../helpers/netns.js';

const UDHCPC_SCRIPT = resolve('test/netns/network/udhcpc-script.sh');

/**
 * A "guest" without a VM: its own network namespace holding `eth0`, the peer of a veth whose other end
 * (`tap`) sits in the cloud's namespace where the hypervisor's tap would be.
 */
export class VethGuest {
  readonly ns: TestNetns;
  readonly tap: string;
  readonly mac: string;

  private constructor(ns: TestNetns, tap: string, mac: string) {
    this.ns = ns;
    this.tap = tap;
    this.mac = mac;
  }

  static async create(cloud: TestNetns, tap: string, mac: string): Promise<VethGuest> {
    const ns = await TestNetns.create('mcguest');
    await cloud.run('ip', ['link', 'add', tap, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.name]);
    await ns.run('ip', ['link', 'set', 'eth0', 'address', mac]);
    await ns.run('ip', ['link', 'set', 'eth0', 'up']);
    return new VethGuest(ns, tap, mac);
  }

  /** Real DHCP with busybox udhcpc; resolves with its exit code (0 = lease applied). */
  async dhcp(): Promise<RunResult & { code: number }> {
    return this.ns.runStatus('busybox', ['udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '4', '-T', '1', '-O', 'staticroutes', '-s', UDHCPC_SCRIPT], {
      timeoutMs: 20_000,
    });
  }

  async routes(): Promise<string> {
    return (await this.ns.run('ip', ['-4', 'route', 'show'])).stdout;
  }

  async address(): Promise<string | null> {
    const { stdout } = await this.ns.run('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(stdout)?.[1] ?? null;
  }

  /** GET http://169.254.169.254/<path> from inside the guest; null when nothing comes back in time. */
  async fetchMetadata(path = '/latest/meta-data/instance-id', timeoutMs = 3000): Promise<string | null> {
    return this.fetchUrl(`http://169.254.169.254${path}`, timeoutMs);
  }

  /** GET `url` from inside the guest: "<status> <body>", or null when nothing comes back in time. */
  async fetchUrl(url: string, timeoutMs = 3000): Promise<string | null> {
    const script = `fetch('${url}', { signal: AbortSignal.timeout(${timeoutMs}) })
      .then(async (r) => process.stdout.write(String(r.status) + ' ' + (await r.text())))
      .catch(() => process.exit(3));`;
    const r = await this.ns.runStatus('node', ['-e', script], { timeoutMs: timeoutMs + 5000 });
    return r.code === 0 ? r.stdout : null;
  }

  /** Resolves a name with the DNS server at `server` (dnsmasq on the gateway). */
  async resolveName(name: string, server: string): Promise<string[] | null> {
    const script = `const { Resolver } = require('node:dns').promises; const r = new Resolver({ timeout: 2000, tries: 1 });
      r.setServers(['${server}']); r.resolve4('${name}').then((a) => process.stdout.write(a.join(',')), () => process.exit(3));`;
    const r = await this.ns.runStatus('node', ['-e', script], { timeoutMs: 10_000 });
    return r.code === 0 ? r.stdout.split(',') : null;
  }

  /**
   * What DigitalOcean's cloud-init does before it knows its address: a 169.254.x.y/16 on eth0, so
   * 169.254.169.254 is on-link (ARPed for, no router). `mac` also changes eth0's MAC (a guest posing as another).
   */
  async linkLocal(address: string, mac?: string): Promise<void> {
    await this.ns.run('ip', ['-4', 'addr', 'flush', 'dev', 'eth0']);
    if (mac) {
      await this.ns.run('ip', ['link', 'set', 'eth0', 'down']);
      await this.ns.run('ip', ['link', 'set', 'eth0', 'address', mac]);
      await this.ns.run('ip', ['link', 'set', 'eth0', 'up']);
    }
    await this.ns.run('ip', ['addr', 'add', `${address}/16`, 'dev', 'eth0']);
  }

  /** Replaces eth0's identity by hand, as a malicious guest would. */
  async forge(opts: { ip: string; mac?: string; gateway: string }): Promise<void> {
    await this.ns.run('ip', ['-4', 'addr', 'flush', 'dev', 'eth0']);
    if (opts.mac) {
      await this.ns.run('ip', ['link', 'set', 'eth0', 'down']);
      await this.ns.run('ip', ['link', 'set', 'eth0', 'address', opts.mac]);
      await this.ns.run('ip', ['link', 'set', 'eth0', 'up']);
    }
    await this.ns.run('ip', ['addr', 'add', `${opts.ip}/24`, 'dev', 'eth0']);
    await this.ns.run('ip', ['route', 'replace', '169.254.169.254/32', 'via', opts.gateway, 'dev', 'eth0']);
  }

  /**
   * Rewrites the Ethernet source of every frame eth0 sends to `mac` (an nftables netdev egress hook in the
   * guest's own namespace), while eth0 keeps its own MAC: the DHCP client's chaddr stays eth0's address.
   * A frame then passes a bridge filter that checks the Ethernet source only, and what dnsmasq does with
   * the chaddr is seen on its own.
   */
  async sendFramesAs(mac: string): Promise<void> {
    const script = [
      'table netdev mcguest-forge {',
      '\tchain egress {',
      '\t\ttype filter hook egress device "eth0" priority 0; policy accept;',
      `\t\tether saddr set ${mac}`,
      '\t}',
      '}',
      '',
    ].join('\n');
    await this.ns.run('nft', ['-f', '-'], { input: script });
  }

  async destroy(): Promise<void> {
    await this.ns.destroy();
  }
}
