import { readFile } from 'node:fs/promises';
import type { MinicloudEvent } from '../../../domain/events.js';
import { errors, isMinicloudError } from '../../../errors/catalogue.js';
import { systemClock, type Clock } from '../../../ports/clock.js';
import type { NetworkConfig, NetworkHost, NetworkObservation, NetworkPlane } from '../../../ports/network.js';
import { chooseSubnet, type SubnetChoice } from '../choose-subnet.js';
import { networkNames } from '../network-names.js';
import { validateNetworkConfig, validateNetworkHosts } from '../network-input.js';
import { buildDhcpHostsFile, buildDnsHostsFile, buildDnsmasqConfig, dnsmasqPaths } from './dnsmasq-config.js';
import { parseDnsmasqLeases } from './dnsmasq-leases.js';
import { releaseLease, staleLeases } from './dhcp-release.js';
import { DnsmasqSupervisor } from './dnsmasq-supervisor.js';
import { detectForwardConflicts } from './forward-conflicts.js';
import { applyIptables, applyLinkLocalSnat, hasMetadataRedirect, removeIptables } from './iptables-firewall.js';
import { LINK_LOCAL_NET, METADATA_ADDRESS } from './iptables-rules.js';
import { NetlinkLinks, type LinkInfo } from './netlink-links.js';
import { hasMetadataRedirect6, removeIp6tables } from './ip6tables-firewall.js';
import { cloudIpv6Of, validateEndpoints6 } from './ipv6-config.js';
import { applyIpv6 } from './ipv6-plane.js';
import { applyAntispoof, removeAntispoof } from './nft-antispoof.js';
import { ensureStateDir, removeDirIfEmpty, removeFiles, writeIfChanged } from './state-files.js';

function isLinkLocal(ip: string): boolean {
  return ip.startsWith('169.254.');
}

/** The link-local addresses the bridge holds: no guest may send from them. */
function heldLinkLocal(config: NetworkConfig): string[] {
  return [METADATA_ADDRESS, ...(config.extraEndpoints ?? []).map((e) => e.address).filter(isLinkLocal)];
}

/** Before the main table (32766), after local (0): the rule's selectors make it apply to nothing else. */
const LINK_LOCAL_RULE_PRIORITY = 32000;

/**
 * Picks the cloud's /24 in this namespace: `forced` (--subnet) is checked against the routes, otherwise the
 * first free candidate. Routes on `bridge` count as free, so a cloud restarted after a crash keeps its subnet.
 */
export async function chooseCloudSubnet(bridge: string, forced?: string): Promise<SubnetChoice> {
  const links = new NetlinkLinks();
  try {
    return chooseSubnet(await links.listRoutes(), forced === undefined ? { ownBridge: bridge } : { ownBridge: bridge, forced });
  } finally {
    links.close();
  }
}

export interface LinuxNetworkPlaneDeps {
  /** Where restarts of dnsmasq and detected conflicts are reported (EventBus.publish). */
  publish?: (event: MinicloudEvent) => void;
  clock?: Clock;
}

/**
 * The NetworkPlane on Linux, in the calling process's network namespace: bridge and addresses through
 * rtnetlink, DNAT/filter rules through iptables-nft, anti-spoofing through an nftables bridge table, DHCP
 * and DNS through a supervised dnsmasq child. To run a cloud in its own namespace, run the process that
 * owns this object inside it (`ip netns exec NAME …`; see docs/networking.md).
 */
export class LinuxNetworkPlane implements NetworkPlane {
  private readonly publish: (event: MinicloudEvent) => void;
  private readonly clock: Clock;
  private config: NetworkConfig | null = null;
  private hosts: NetworkHost[] = [];
  private links: NetlinkLinks | null = null;
  private dnsmasq: DnsmasqSupervisor | null = null;
  private createdStateDir = false;
  private releaseToolMissingSaid = false;

  constructor(deps: LinuxNetworkPlaneDeps = {}) {
    this.publish = deps.publish ?? (() => {});
    this.clock = deps.clock ?? systemClock;
  }

  async ensureUp(config: NetworkConfig): Promise<void> {
    validateNetworkConfig(config);
    validateEndpoints6(config);
    const names = networkNames(config.cloudId);
    const previous = this.config;
    if (previous !== null && (previous.cloudId !== config.cloudId || previous.bridge !== config.bridge || previous.stateDir !== config.stateDir)) {
      await this.teardown();
    }
    const links = (this.links ??= new NetlinkLinks());

    // Check before creating anything, so a refused `up` leaves nothing behind.
    let bridge = await links.findLink(config.bridge);
    if (bridge !== null && bridge.alias !== names.tag) {
      throw errors.networkBridgeTaken(config.bridge, `${bridge.kind ?? 'device'}${bridge.alias ? `, alias "${bridge.alias}"` : ', no minicloud tag'}`);
    }
    chooseSubnet(await links.listRoutes(), { ownBridge: config.bridge, forced: config.subnet });
    if (config.egress && (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim() !== '1') {
      throw errors.networkIpForwardOff();
    }
    this.config = config;

    bridge ??= await links.createBridge(config.bridge, names.tag);
    await links.ensureAddress(bridge, config.gateway, 24);
    // Guests that treat 169.254/16 as on-link ARP for the metadata address; the bridge answers (host-notes §3).
    await links.ensureAddress(bridge, METADATA_ADDRESS, 32);
    // The same for other link-local endpoints (Scaleway's 169.254.42.42). Not for routable ones (Azure's
    // 168.63.129.16): guests reach those through option-121 routes, and a host that is itself an Azure VM
    // needs its own wireserver; DNAT in PREROUTING works whether or not the bridge holds the address.
    for (const e of config.extraEndpoints ?? []) if (isLinkLocal(e.address)) await links.ensureAddress(bridge, e.address, 32);
    await links.setUp(bridge);
    // Replies to link-local guests (DigitalOcean's phase before they know their address) leave by the
    // bridge. Only packets from the gateway (the server's replies) and from the held link-local addresses
    // (the ARP replies, whose reverse-path check looks up from the asked address: strict rp_filter drops
    // them otherwise) look this table up, so the host's other link-local traffic (a cloud host's DNS at
    // 169.254.169.253, say) keeps its routes.
    for (const from of [config.gateway, ...heldLinkLocal(config)]) {
      await links.ensureSourceRoute({ link: bridge, from, dst: LINK_LOCAL_NET.split('/')[0] ?? '', dstLen: 16, table: names.linkLocalTable, priority: LINK_LOCAL_RULE_PRIORITY });
    }

    await applyIptables(config);
    // IPv6 (docs/networking.md, "IPv6"): the ULA gateway, link-local endpoints and ip6tables; off without endpoints6.
    await applyIpv6(links, bridge, config);
    await this.applyHosts(bridge);

    this.createdStateDir = (await ensureStateDir(config.stateDir)) || this.createdStateDir;
    const paths = dnsmasqPaths(config.stateDir);
    await writeIfChanged(paths.dhcpHosts, buildDhcpHostsFile(this.hosts));
    await writeIfChanged(paths.dnsHosts, buildDnsHostsFile(this.hosts, config.domain));
    const configChanged = await writeIfChanged(paths.config, buildDnsmasqConfig(config));
    this.dnsmasq ??= new DnsmasqSupervisor({ stateDir: config.stateDir, gateway: config.gateway, publish: this.publish, clock: this.clock });
    if (configChanged) await this.dnsmasq.stop();
    await this.dnsmasq.ensureRunning();

    if (previous === null) await this.reportConflicts();
  }

  /**
   * Also enslaves each host's tap that exists and is not on the bridge yet (taps are made by the
   * hypervisor; a tap that does not exist yet is attached by a later setHosts or attachTap).
   */
  async setHosts(hosts: NetworkHost[]): Promise<void> {
    const config = this.config;
    if (config === null || this.links === null) throw errors.networkNotUp('setHosts');
    validateNetworkHosts(hosts, config);
    this.hosts = hosts.map((h) => ({ ...h }));
    const bridge = await this.bridge(config);
    const paths = dnsmasqPaths(config.stateDir);
    // Leases first, while dnsmasq still runs with their hosts, so the DHCPRELEASEs reach it.
    await this.releaseStaleLeases(config);
    const changed = [
      await writeIfChanged(paths.dhcpHosts, buildDhcpHostsFile(this.hosts)),
      await writeIfChanged(paths.dnsHosts, buildDnsHostsFile(this.hosts, config.domain)),
    ];
    await this.applyHosts(bridge);
    // dnsmasq 2.90 segfaults when a SIGHUP re-reads a dhcp-hostsfile whose lines carry `set:` tags while
    // a guest holds a lease (reproduced on this host; untagged lines are safe), and every line carries its
    // cloud's tag (DHCP per cloud, docs/networking.md). So it is started afresh instead: it re-reads the
    // hosts and lease files, and ensureRunning returns once it has written its pid file (sockets bound).
    if (changed.some(Boolean) && this.dnsmasq !== null) await this.dnsmasq.restart();
  }

  /**
   * Releases the leases of MACs no host reserves any more (deleted instances), so their addresses can be
   * reserved for new MACs at once instead of after the lease time, and waits (≤ 2 s) until dnsmasq's lease
   * file shows them gone. Without dnsmasq-utils the leases simply expire: said once as a notice, not an
   * error.
   */
  private async releaseStaleLeases(config: NetworkConfig): Promise<void> {
    const stale = staleLeases(await this.readLeases(config), this.hosts);
    if (stale.length === 0) return;
    for (const lease of stale) {
      try {
        await releaseLease(config.bridge, lease);
      } catch (err) {
        if (!isMinicloudError(err) || err.code !== errors.networkToolMissing.code) throw err;
        if (!this.releaseToolMissingSaid) {
          this.releaseToolMissingSaid = true;
          this.publish({ type: 'notice', at: this.clock.now(), level: 'warn', message: `${err.message}: leases of deleted instances are kept until they expire (${err.hint ?? ''})`, code: err.code });
        }
        return;
      }
    }
    // dhcp_release only sends a DHCPRELEASE; dnsmasq rewrites its lease file when it has handled it, and a
    // restart before that would lose it.
    const deadline = this.clock.monotonic() + 2000;
    while (this.clock.monotonic() < deadline) {
      if (staleLeases(await this.readLeases(config), this.hosts).length === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async readLeases(config: NetworkConfig): Promise<ReturnType<typeof parseDnsmasqLeases>> {
    const text = await readFile(dnsmasqPaths(config.stateDir).leases, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    return parseDnsmasqLeases(text);
  }

  /** Enslaves an existing tap to the bridge and brings it up. Idempotent; MC_ERR_NETWORK_TAP_MISSING if absent. */
  async attachTap(tapName: string): Promise<void> {
    const config = this.config;
    if (config === null || this.links === null) throw errors.networkNotUp('attachTap');
    const tap = await this.links.findLink(tapName);
    if (tap === null) throw errors.networkTapMissing(tapName);
    const bridge = await this.bridge(config);
    await this.links.enslave(tap, bridge);
    // A tap no host names is now a port of the bridge: the filter must list it to drop its frames.
    await this.applyHosts(bridge);
  }

  async observe(): Promise<NetworkObservation> {
    const config = this.config;
    if (config === null || this.links === null) {
      return { bridgeUp: false, metadataRedirect: false, dhcpRunning: false, dhcpPid: null, leases: [] };
    }
    const bridge = await this.links.findLink(config.bridge);
    const leasesText = await readFile(dnsmasqPaths(config.stateDir).leases, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const pid = this.dnsmasq?.pid ?? null;
    const ipv6 = cloudIpv6Of(config);
    return {
      bridgeUp: bridge !== null && bridge.isUp,
      metadataRedirect: (await hasMetadataRedirect(config)) && (ipv6 === null || (await hasMetadataRedirect6(config, ipv6))),
      dhcpRunning: pid !== null,
      dhcpPid: pid,
      leases: parseDnsmasqLeases(leasesText),
    };
  }

  async teardown(): Promise<void> {
    const config = this.config;
    const problems: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (err) {
        problems.push(err);
      }
    };
    if (config !== null) {
      const tag = networkNames(config.cloudId).tag;
      await attempt(async () => this.dnsmasq?.stop());
      await attempt(() => removeAntispoof(config.cloudId));
      await attempt(() => removeIptables(config.cloudId));
      await attempt(async () => this.links?.deleteRulesTo((table) => table === networkNames(config.cloudId).linkLocalTable));
      await attempt(() => removeIp6tables(config.cloudId));
      await attempt(async () => {
        const bridge = await this.links?.findLink(config.bridge);
        if (bridge && bridge.alias === tag) await this.links?.deleteLink(bridge);
      });
      await attempt(async () => {
        const p = dnsmasqPaths(config.stateDir);
        await removeFiles([p.config, p.dhcpHosts, p.dnsHosts, p.leases, p.pid, p.log]);
        if (this.createdStateDir) await removeDirIfEmpty(config.stateDir);
      });
    }
    this.links?.close();
    this.links = null;
    this.dnsmasq = null;
    this.config = null;
    this.hosts = [];
    this.createdStateDir = false;
    // Every step ran; report all that failed together (cleanup must not stop at the first error).
    if (problems.length === 1) throw problems[0];
    if (problems.length > 1) throw new AggregateError(problems, 'network teardown failed in several steps');
  }

  private async bridge(config: NetworkConfig): Promise<LinkInfo> {
    const bridge = await this.links?.findLink(config.bridge);
    if (!bridge) throw errors.networkNotUp(`bridge ${config.bridge} is gone;`);
    return bridge;
  }

  /** Attaches the hosts' existing taps and rebuilds the anti-spoofing table from the bridge's actual ports. */
  private async applyHosts(bridge: LinkInfo): Promise<void> {
    const config = this.config;
    const links = this.links;
    if (config === null || links === null) return;
    const all = await links.listLinks();
    for (const host of this.hosts) {
      const tap = all.find((l) => l.name === host.tapName);
      if (tap) await links.enslave(tap, bridge);
    }
    const ports = (await links.listLinks()).filter((l) => l.master === bridge.index).map((l) => l.name);
    await applyLinkLocalSnat(config.cloudId, this.hosts);
    await applyAntispoof(config.cloudId, config.bridge, this.hosts, ports, heldLinkLocal(config), cloudIpv6Of(config));
  }

  private async reportConflicts(): Promise<void> {
    for (const { error, blocking } of await detectForwardConflicts()) {
      this.publish({
        type: 'notice',
        at: this.clock.now(),
        level: blocking ? 'error' : 'warn',
        message: `${error.message}${error.hint ? ` (${error.hint})` : ''}`,
        code: error.code,
      });
    }
  }
}
