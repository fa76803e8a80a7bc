import { derivedUuid, networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';

/** What the conf document shows that the instance record does not carry. */
export interface ScalewayConfContext {
  /** The cloud's account: Scaleway's organization and default project (uuids) are derived from it. */
  accountId: string;
}

/**
 * `/conf?format=json` for one instance: the fields of Scaleway's metadata document (scaleway-sdk-go's
 * `instance.Metadata`) that minicloud can fill, in that order. Pure.
 *
 * What cloud-init reads:
 * - `id` (instance-id: the instance uuid, as Scaleway's server ids are uuids), `hostname`,
 *   `ssh_public_keys[].key` and `tags` (`AUTHORIZED_KEY=` tags; none here);
 * - 22.4.2: `ipv6` (must be present; null: no IPv6 subnet in its network config);
 * - 25.3: `private_ip` (must be present). It is null, as for every instance with routed IPs (today's
 *   Scaleway): cloud-init then reads `public_ips[]` and gives `dhcp4` to the NIC whose DHCP lease has the
 *   entry's `address`. The guest's one address is that entry: its address by DHCP, the bridge's /24, and
 *   the bridge's first address as the gateway.
 */
export function scalewayConf(instance: InstanceRecord, ctx: ScalewayConfContext): Record<string, unknown> {
  const net = networkSeed(instance.ip);
  const ip = {
    id: derivedUuid(`scaleway-ip:${instance.id}`),
    address: instance.ip,
    dynamic: false,
    gateway: `${net}.1`,
    netmask: '24',
    family: 'inet',
    provisioning_mode: 'dhcp',
    tags: [] as string[],
  };
  const organization = derivedUuid(`scaleway-organization:${ctx.accountId}`);
  return {
    id: instance.uuid.toLowerCase(),
    name: instance.name,
    hostname: instance.hostname,
    organization,
    project: organization,
    commercial_type: instance.instanceType,
    public_ip: { id: ip.id, address: ip.address, dynamic: ip.dynamic, gateway: ip.gateway, netmask: ip.netmask, family: ip.family, provisioning_mode: ip.provisioning_mode },
    public_ips: [ip],
    private_ip: null,
    ipv6: null,
    location: { zone_id: instance.availabilityZone },
    tags: [],
    state_detail: 'booted',
    ssh_public_keys: instance.publicKeys.map((k) => ({ key: k.key.trimEnd(), description: k.name })),
    private_nics: [],
    mac_address: instance.mac,
    state: 'running',
    arch: 'x86_64',
    zone: instance.availabilityZone,
  };
}
