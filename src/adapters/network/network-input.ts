import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { errors } from '../../errors/catalogue.js';
import type { NetworkConfig, NetworkHost } from '../../ports/network.js';
import { ipToInt, subnetContains } from '../../core/ipam.js';
import { parseCidr } from './ipv4.js';
import { isValidCloudId, isValidLinkName } from './network-names.js';

/**
 * The network plane's edge: config and hosts are checked here once, because their fields end up inside
 * nft scripts, iptables rules and dnsmasq files, where a stray newline or quote would change the meaning.
 */
const LinkName = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,15}$' });
const Ipv4 = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Hostname = Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$' });
/** A cloud's name as it lands in a dnsmasq tag (`mc-<cloud>`), in the hosts file and the config. */
const CloudTag = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' });

const NetworkConfigSchema = Type.Object({
  cloudId: Type.String(),
  bridge: LinkName,
  subnet: Type.String(),
  gateway: Ipv4,
  metadataPort: Type.Integer({ minimum: 1, maximum: 65535 }),
  egress: Type.Boolean(),
  domain: Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$' }),
  stateDir: Type.String({ pattern: '^/[^\\n\\r,#]*$' }),
  extraMetadataPorts: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }))),
  metadataNames: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$' }))),
  extraEndpoints: Type.Optional(Type.Array(Type.Object({ address: Ipv4, ports: Type.Array(Port, { minItems: 1 }) }))),
  gatewayPorts: Type.Optional(Type.Array(Port)),
  // One label is a name too: CloudStack's guests look up `data-server`.
  gatewayNames: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$' }))),
  dhcpProfiles: Type.Optional(Type.Array(Type.Object({
    cloud: CloudTag,
    routes: Type.Array(Ipv4),
    // The value lands in dnsmasq.conf: addresses, numbers and hex strings only.
    options: Type.Array(Type.Object({ code: Type.Integer({ minimum: 1, maximum: 254 }), value: Type.String({ pattern: '^[A-Za-z0-9.:,-]{1,255}$' }) })),
  }))),
});

const NetworkHostSchema = Type.Object({
  instanceId: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
  mac: Type.String({ pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$' }),
  ip: Ipv4,
  hostname: Hostname,
  tapName: Type.Union([LinkName, Type.Null()]),
  guestNetwork: Type.Optional(Type.Union([Type.Literal('dhcp'), Type.Literal('link-local')])),
  cloud: Type.Optional(CloudTag),
});

function check(schema: TSchema, value: unknown, what: string): void {
  const first = Value.Errors(schema, value).First();
  if (first) throw errors.networkConfigInvalid(`${what}${first.path.replaceAll('/', '.')}`, first.message);
}

/** Throws MC_ERR_NETWORK_CONFIG / MC_ERR_NETWORK_CLOUD_ID unless the config can be used as is. */
export function validateNetworkConfig(config: NetworkConfig): void {
  check(NetworkConfigSchema, config, 'config');
  if (!isValidCloudId(config.cloudId)) throw errors.networkCloudIdInvalid(config.cloudId);
  if (!isValidLinkName(config.bridge)) throw errors.networkConfigInvalid('bridge', `"${config.bridge}" is not an interface name`);
  const subnet = parseCidr(config.subnet);
  if (subnet === null || subnet.prefix !== 24) throw errors.networkConfigInvalid('subnet', `"${config.subnet}" is not an IPv4 /24`);
  if (!subnetContains(subnet, config.gateway) || ipToInt(config.gateway) === subnet.network) {
    throw errors.networkConfigInvalid('gateway', `${config.gateway} is not a host address in ${config.subnet}`);
  }
  config.extraEndpoints?.forEach((e, i) => {
    if (ipToInt(e.address) === null || subnetContains(subnet, e.address)) {
      throw errors.networkConfigInvalid(`extraEndpoints[${i}].address`, `${e.address} is not an IPv4 address outside ${config.subnet}`);
    }
  });
  const clouds = new Set<string>();
  config.dhcpProfiles?.forEach((p, i) => {
    if (clouds.has(p.cloud)) throw errors.networkConfigInvalid(`dhcpProfiles[${i}].cloud`, `${p.cloud} has two profiles`);
    clouds.add(p.cloud);
    p.routes.forEach((r, j) => {
      if (ipToInt(r) === null || subnetContains(subnet, r)) throw errors.networkConfigInvalid(`dhcpProfiles[${i}].routes[${j}]`, `${r} is not an IPv4 address outside ${config.subnet}`);
    });
  });
}

/** Throws MC_ERR_NETWORK_CONFIG for a malformed host, an address outside the subnet, or a duplicate. */
export function validateNetworkHosts(hosts: readonly NetworkHost[], config: NetworkConfig): void {
  const subnet = parseCidr(config.subnet);
  const seen = { mac: new Set<string>(), ip: new Set<string>(), tap: new Set<string>() };
  hosts.forEach((host, i) => {
    check(NetworkHostSchema, host, `hosts[${i}]`);
    if (subnet === null || !subnetContains(subnet, host.ip) || host.ip === config.gateway) {
      throw errors.networkConfigInvalid(`hosts[${i}].ip`, `${host.ip} is not a guest address in ${config.subnet}`);
    }
    for (const [key, value] of [['mac', host.mac], ['ip', host.ip], ['tap', host.tapName]] as const) {
      if (value === null) continue;
      if (seen[key].has(value)) throw errors.networkConfigInvalid(`hosts[${i}].${key}`, `${value} is used twice`);
      seen[key].add(value);
    }
  });
}
