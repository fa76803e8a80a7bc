/**
 * The host network plane of one cloud: bridge, DHCP, the metadata DNAT rule, anti-spoofing.
 * Implementations: Linux (netlink + dnsmasq + iptables/nft) and a fake; one contract suite runs against both.
 */

export interface NetworkConfig {
  cloudId: string;
  /** Bridge name, ≤ 15 chars (default `minicloud0`). */
  bridge: string;
  /** IPv4 /24 in CIDR form, e.g. `10.77.0.0/24`. */
  subnet: string;
  /** The bridge's address in the subnet (the guests' router), e.g. `10.77.0.1`. */
  gateway: string;
  /** Where the metadata server listens (on the gateway address); 169.254.169.254:80 is DNATed here. */
  metadataPort: number;
  /** Add MASQUERADE so guests reach beyond the host. Off by default: guests are hermetic. */
  egress: boolean;
  /** DNS domain for instance names. */
  domain: string;
  /** Directory for dnsmasq's config, hosts file, leases, pid and log. */
  stateDir: string;
  /**
   * More ports on 169.254.169.254 DNATed to the metadata server besides 80 (a password server on 8080).
   * The clouds' needs (src/clouds); none when absent.
   */
  extraMetadataPorts?: readonly number[];
  /** Names the cloud's DNS answers with 169.254.169.254 (GCE's metadata.google.internal); none when absent. */
  metadataNames?: readonly string[];
  /**
   * IPv6 addresses whose TCP ports are DNATed (ip6tables) to the metadata server on the bridge's IPv6
   * gateway (EC2's fd00:ec2::254:80, Hetzner's fe80::a9fe:a9fe:80). Present and non-empty: the bridge gets
   * the cloud's ULA /64 (src/core/ipv6.ts) with router advertisements, and anti-spoofing admits each
   * guest's own SLAAC and link-local addresses. Absent or empty: no IPv6 on the bridge at all.
   */
  endpoints6?: readonly { readonly address: string; readonly ports: readonly number[] }[];
  /**
   * More IPv4 addresses whose TCP ports are DNATed to the metadata server (Scaleway's 169.254.42.42:80,
   * Azure's wireserver 168.63.129.16:80); a link-local one (169.254/16) is held by the bridge so on-link
   * guests' ARP is answered. Routes to them are per cloud (dhcpProfiles). None when absent.
   */
  extraEndpoints?: readonly NetworkEndpoint[];
  /** TCP ports on the gateway (the guests' DHCP server) DNATed to the metadata server: CloudStack's 80, 8080. */
  gatewayPorts?: readonly number[];
  /** Names the cloud's DNS answers with the gateway address: CloudStack's `data-server`. */
  gatewayNames?: readonly string[];
  /**
   * What each cloud's DHCP sends beyond address, router and DNS, as that cloud's own DHCP does: a lease
   * carries only the profile its host names (NetworkHost.cloud), never another cloud's routes or options.
   * Part of the config, not of the hosts, so the DHCP server's config never changes with the guests.
   */
  dhcpProfiles?: readonly NetworkDhcpProfile[];
}

/**
 * One cloud's DHCP: the option-121 routes and the forced options its guests' leases carry.
 * A host whose cloud has no profile here gets address, router and DNS only.
 */
export interface NetworkDhcpProfile {
  /** The cloud (NetworkHost.cloud); dnsmasq tags its hosts `mc-<cloud>`. */
  readonly cloud: string;
  /**
   * IPv4 addresses routed as /32s via the gateway with option 121 (Vultr 22.4.2 looks for the one to
   * 169.254.169.254). Non-empty: the lease's option 121 also carries the default route, as RFC 3442
   * clients then ignore the router option. Empty: no option 121 (Scaleway's DHCP sends none).
   */
  readonly routes: readonly string[];
  /** Options sent whether or not the client asks (Azure's 245: the wireserver). */
  readonly options: readonly NetworkDhcpOption[];
}

/** An IPv4 address and the TCP ports on it that reach the metadata server. */
export interface NetworkEndpoint {
  readonly address: string;
  readonly ports: readonly number[];
}

/** A DHCP option by number, its value as dnsmasq writes it (`168.63.129.16`, `01:02:…`). */
export interface NetworkDhcpOption {
  readonly code: number;
  readonly value: string;
}

/**
 * How a guest gets on the network before it has read its metadata. `dhcp`: a lease of its reserved
 * address. `link-local` (DigitalOcean): no lease; the guest puts a random 169.254.x.y/16 on its first NIC,
 * fetches its metadata on-link from 169.254.169.254 and then configures its reserved address statically.
 */
export type GuestNetwork = 'dhcp' | 'link-local';

/** One static DHCP reservation, and the identity the anti-spoofing filter enforces on its tap. */
export interface NetworkHost {
  instanceId: string;
  mac: string;
  ip: string;
  hostname: string;
  /** The guest's tap; null until the hypervisor has created it. */
  tapName: string | null;
  /**
   * `dhcp` when absent. A `link-local` host's MAC gets no lease; its tap may also send from 169.254/16,
   * and what it sends to the metadata server from there arrives with `ip` as the source.
   */
  guestNetwork?: GuestNetwork;
  /** The guest's cloud: its lease follows that cloud's NetworkConfig.dhcpProfiles entry. None: address, router and DNS only. */
  cloud?: string;
}

export interface NetworkObservation {
  bridgeUp: boolean;
  /** Whether the DNAT rule for 169.254.169.254:80 is installed (and, with endpoints6, the ip6tables DNAT too). */
  metadataRedirect: boolean;
  dhcpRunning: boolean;
  dhcpPid: number | null;
  /** Current leases (mac → ip). */
  leases: { mac: string; ip: string; hostname: string | null; expiresAt: number }[];
}

export interface NetworkPlane {
  /** Creates or repairs the bridge, addresses, firewall rules and DHCP server. Idempotent. */
  ensureUp(config: NetworkConfig): Promise<void>;
  /**
   * Replaces the static DHCP reservations and anti-spoofing entries with exactly these. Idempotent.
   * Also attaches each host's tap that exists and is not on the bridge yet. A guest can only send with its own
   * MAC and IP (DHCP from 0.0.0.0 excepted); ports found on the bridge that no host names are cut off.
   * MUST throw MC_ERR_NETWORK_NOT_UP before ensureUp.
   */
  setHosts(hosts: NetworkHost[]): Promise<void>;
  /**
   * Attaches a tap the hypervisor just created to the bridge (when the hypervisor does not do it itself,
   * e.g. plain QEMU with `script=no`). Idempotent; MC_ERR_NETWORK_TAP_MISSING if the tap does not exist.
   * Optional so that fakes need not implement it.
   */
  attachTap?(tapName: string): Promise<void>;
  observe(): Promise<NetworkObservation>;
  /** Removes exactly what ensureUp/setHosts created. MUST succeed if nothing is there. */
  teardown(): Promise<void>;
}
