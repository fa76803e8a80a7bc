import type { InstanceRecord } from '../../domain/instance.js';
import { derivedUuid, networkSeed } from '../../core/derived-ids.js';

/**
 * Nova's network_data.json (nova/virt/netutils.py `get_network_metadata`) for minicloud's network: one
 * NIC on a bridge whose subnet has a DHCP server (dnsmasq). Nova describes such a subnet as
 * `ipv4_dhcp` with no address, routes or DNS (those come from the lease), so the instance record needs
 * no gateway or DNS fields. The MAC is the instance's real MAC: cloud-init names the NIC by it.
 */
export function buildNetworkDataJson(instance: InstanceRecord): Record<string, unknown> {
  const vifId = derivedUuid(`vif:${instance.id}`);
  const linkId = `tap${vifId.slice(0, 11)}`;
  return {
    links: [
      {
        id: linkId,
        vif_id: vifId,
        // Nova exposes the VIF type of a Linux-bridge port as `bridge`; cloud-init treats it as physical.
        type: 'bridge',
        mtu: 1500,
        ethernet_mac_address: instance.mac,
      },
    ],
    networks: [
      {
        id: 'network0',
        type: 'ipv4_dhcp',
        link: linkId,
        network_id: derivedUuid(`network:${networkSeed(instance.ip)}`),
      },
    ],
    services: [],
  };
}
