import type { InstanceRecord } from '../domain/instance.js';
import type { MetadataApi } from '../metadata/metadata-api.js';
import type { SmbiosIdentity } from '../ports/hypervisor.js';
import type { GuestNetwork } from '../ports/network.js';

/** What a cloud's SMBIOS identity may be derived from. */
export interface CloudIdentityIds {
  instanceId: string;
  instanceUuid: string;
}

/**
 * What a cloud needs from the network plane beyond 169.254.169.254:80 (pure data). The bridge (addresses,
 * DNAT, DNS names) provides the union over every registered cloud, so it does not change with the
 * instances on it; DHCP (dhcpRoutes, dhcpOptions) is per guest: a lease carries only its own cloud's.
 */
export interface CloudNetworkNeeds {
  /** More TCP ports on 169.254.169.254 DNATed to the metadata server (a password server on 8080). */
  metadataPorts: readonly number[];
  /** DNS names the cloud's dnsmasq resolves to 169.254.169.254 (GCE's metadata.google.internal). */
  metadataNames: readonly string[];
  /**
   * More IPv4 addresses, besides 169.254.169.254, whose TCP ports are DNATed to the metadata server:
   * Scaleway's 169.254.42.42:80, Azure's wireserver 168.63.129.16:80. Every endpoint reaches the same
   * server, which answers the asking instance with its own cloud's APIs, by path (docs/networking.md).
   */
  extraEndpoints: readonly MetadataEndpoint[];
  /** TCP ports on the bridge's own address (the guests' DHCP server) DNATed to the server: CloudStack's 80 and 8080. */
  gatewayPorts: readonly number[];
  /** DNS names the cloud's dnsmasq resolves to the bridge's own address: CloudStack's `data-server`. */
  gatewayNames: readonly string[];
  /**
   * IPv4 addresses its guests' leases route via the gateway (option 121, /32 each, with the default route):
   * METADATA_ROUTE for a cloud whose guests ask 169.254.169.254 (Vultr's 22.4.2 checks for that route), and
   * an extra endpoint its cloud-init looks for a route to (Azure's wireserver). Empty: no option 121, as
   * Scaleway's DHCP sends none (its 22.4.2 takes a second lease on an up NIC and fails re-adding the routes).
   */
  dhcpRoutes: readonly string[];
  /** DHCP options its guests' leases carry, sent unasked (dnsmasq `dhcp-option-force`): Azure's 245, the wireserver address. */
  dhcpOptions: readonly DhcpOptionNeed[];
  /** IPv6 metadata addresses DNATed (ip6tables) to the server: EC2's fd00:ec2::254, Hetzner's fe80::a9fe:a9fe… */
  endpoints6: readonly MetadataEndpoint[];
}

/** An address and the TCP ports on it that reach the metadata server. */
export interface MetadataEndpoint {
  readonly address: string;
  readonly ports: readonly number[];
}

/** A DHCP option by number; `value` as dnsmasq writes it (`168.63.129.16`, a hex string…). */
export interface DhcpOptionNeed {
  readonly code: number;
  readonly value: string;
}

/** A request a guest makes to its metadata service, relative to http://169.254.169.254 (smoke's checks run it in the guest). */
export interface GuestMetadataRequest {
  /** Path and query, e.g. `/latest/meta-data/local-ipv4`; the answer's body is the value. */
  path: string;
  /** Headers the cloud requires (GCE's Metadata-Flavor, Oracle's Authorization). */
  headers: Readonly<Record<string, string>>;
}

export const NO_NETWORK_NEEDS: CloudNetworkNeeds = { metadataPorts: [], metadataNames: [], extraEndpoints: [], gatewayPorts: [], gatewayNames: [], dhcpRoutes: [], dhcpOptions: [], endpoints6: [] };

/** The metadata address as a dhcpRoutes entry: the route to 169.254.169.254 via the gateway. */
export const METADATA_ROUTE = '169.254.169.254';

/** The needs of a cloud whose guests ask 169.254.169.254 and nothing else of the plane. */
export const METADATA_ROUTE_NEEDS: CloudNetworkNeeds = { ...NO_NETWORK_NEEDS, dhcpRoutes: [METADATA_ROUTE] };

/** One file of a cloud's provisioning media: its path from the media's root, and its bytes. */
export interface MediaFile {
  readonly path: string;
  readonly content: Uint8Array;
}

/**
 * The instance meta key (`run --meta provisioningMedia=true`, an instances entry's `meta:`) that asks for
 * the cloud's provisioning media (CloudFlavour.provisioningMedia). Read when the guest is defined.
 */
export const PROVISIONING_MEDIA_META = 'provisioningMedia';

/**
 * A CD-ROM the cloud attaches to a VM that asks for it (Azure's `ovf-env.xml`): an ISO 9660 image with
 * this volume label holding these files. Pure: the files come from the instance record alone.
 */
export interface ProvisioningMedia {
  readonly label: string;
  files(instance: InstanceRecord): MediaFile[];
}

/**
 * One cloud minicloud plays, in one folder (src/clouds/<name>/) and one registry line
 * (src/clouds/registry.ts): how a guest recognises the cloud (SMBIOS), which metadata APIs it is served,
 * and what the network must carry for it. Nothing outside the folder tests for a cloud by name.
 */
export interface CloudFlavour {
  /** `--datasource` value, minicloud.yaml `datasource:`, the instance record's `datasource`. */
  readonly name: string;
  /** The cloud as people call it. */
  readonly title: string;
  /** cloud-init's datasource for it (`DataSource<dataSource>`) and the first cloud-init release that has it. */
  readonly cloudInit: { readonly dataSource: string; readonly since: string };
  /** Where the guest reads its metadata: the metadata service, or a disk attached to it (config drive). */
  readonly delivery: 'metadata-service' | 'config-drive';
  /** The guest's uuid (SMBIOS and libvirt): the instance uuid, or the form the cloud's detection needs. */
  guestUuid(instanceUuid: string): string;
  /** The SMBIOS identity that makes cloud-init (ds-identify and the datasource) take the guest for this cloud. Pure. */
  identity(ids: CloudIdentityIds): SmbiosIdentity;
  readonly network: CloudNetworkNeeds;
  /** How its guests get on the network before they read their metadata: `dhcp`, or DigitalOcean's `link-local` (no lease). */
  readonly guestNetwork: GuestNetwork;
  /** The HTTP APIs this cloud's instances are served; each answers only them. */
  readonly metadata: readonly MetadataApi[];
  /**
   * The request (path and query, as logged) that hands the guest its user-data: what the readiness
   * stage `userdata` and smoke's user-data evidence look for in the request log.
   */
  readonly userDataRequest: RegExp;
  /** Where the guest reads its private IPv4 as plain text (tempest's local-ipv4 check); null: nowhere. */
  readonly localIpv4: GuestMetadataRequest | null;
  /** The guest can post and read back a password (Nova's `openstack/latest/password`, tempest's check). */
  readonly passwordApi: boolean;
  /** The CD-ROM an instance with meta `provisioningMedia=true` gets; absent: the cloud has none (the meta is ignored). */
  readonly provisioningMedia?: ProvisioningMedia;
}
