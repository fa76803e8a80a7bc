import { errors } from '../../errors/catalogue.js';
import type { NetworkConfig, NetworkHost, NetworkObservation, NetworkPlane } from '../../ports/network.js';
import { dhcpExtrasOf } from './dhcp-profiles.js';
import { validateNetworkConfig, validateNetworkHosts } from './network-input.js';

/**
 * An in-memory NetworkPlane for controller and CLI tests. It validates like the Linux plane and keeps the
 * same lifecycle rules (test/contract/network-plane.contract.ts runs against both). Leases appear when a
 * test calls `grantLease` — there is no DHCP here.
 */
export class FakeNetworkPlane implements NetworkPlane {
  /** Taps the "hypervisor" has created; attachTap only accepts these. */
  readonly taps = new Set<string>();
  readonly attached = new Set<string>();
  private config: NetworkConfig | null = null;
  private hosts: NetworkHost[] = [];
  private leases: NetworkObservation['leases'] = [];

  async ensureUp(config: NetworkConfig): Promise<void> {
    validateNetworkConfig(config);
    this.config = config;
  }

  async setHosts(hosts: NetworkHost[]): Promise<void> {
    if (this.config === null) throw errors.networkNotUp('setHosts');
    validateNetworkHosts(hosts, this.config);
    this.hosts = hosts.map((h) => ({ ...h }));
    for (const h of hosts) if (h.tapName !== null && this.taps.has(h.tapName)) this.attached.add(h.tapName);
    this.leases = this.leases.filter((l) => this.hosts.some((h) => h.mac === l.mac && h.ip === l.ip));
  }

  async attachTap(tapName: string): Promise<void> {
    if (this.config === null) throw errors.networkNotUp('attachTap');
    if (!this.taps.has(tapName)) throw errors.networkTapMissing(tapName);
    this.attached.add(tapName);
  }

  async observe(): Promise<NetworkObservation> {
    const up = this.config !== null;
    return { bridgeUp: up, metadataRedirect: up, dhcpRunning: up, dhcpPid: up ? 4242 : null, leases: this.leases.map((l) => ({ ...l })) };
  }

  async teardown(): Promise<void> {
    this.config = null;
    this.hosts = [];
    this.leases = [];
    this.attached.clear();
  }

  /**
   * What a lease of this MAC carries beyond address, router and DNS: its cloud's option-121 routes and
   * forced options (the same selection the Linux plane's dnsmasq makes by tag); null when no lease is given.
   */
  dhcpExtras(mac: string): ReturnType<typeof dhcpExtrasOf> | null {
    const host = this.hosts.find((h) => h.mac === mac);
    if (this.config === null || host === undefined || host.guestNetwork === 'link-local') return null;
    return dhcpExtrasOf(this.config, host);
  }

  /** What a guest doing DHCP would get: a lease for a reserved MAC, nothing for an unknown or link-local one. */
  grantLease(mac: string, expiresAt: number): boolean {
    const host = this.hosts.find((h) => h.mac === mac);
    if (this.config === null || host === undefined || host.guestNetwork === 'link-local') return false;
    this.leases = [...this.leases.filter((l) => l.mac !== mac), { mac, ip: host.ip, hostname: host.hostname, expiresAt }];
    return true;
  }
}
