import type { CloudIpv6 } from '../../../core/ipv6.js';
import type { NetworkConfig } from '../../../ports/network.js';
import { networkNames } from '../network-names.js';
import type { IptablesPlan } from './iptables-rules.js';

/** ICMPv6 a guest must be able to send the host: NDP (router and neighbour solicitation/advertisement) and MLD. */
const ICMPV6_TO_HOST = [
  { type: 130, why: 'MLD query' },
  { type: 131, why: 'MLD report' },
  { type: 132, why: 'MLD done' },
  { type: 133, why: 'router solicitation (SLAAC asks dnsmasq for the prefix)' },
  { type: 135, why: 'neighbour solicitation' },
  { type: 136, why: 'neighbour advertisement' },
  { type: 143, why: 'MLDv2 report' },
] as const;

/**
 * minicloud's ip6tables rules for one cloud with IPv6 endpoints (pure; the same chain names and tags as
 * the IPv4 rules, in the ip6 tables, so buildIptablesCleanup removes them from `ip6tables-save` too).
 *  nat     <id>-PRE:  each endpoints6 address:port arriving on the bridge → [ipv6 gateway]:metadataPort.
 *                     DNAT keeps the source (the guest's SLAAC or link-local address: how the server knows it).
 *                     DNAT cannot cross families, so the server also listens on the IPv6 gateway.
 *  filter  <id>-IN:   what guests may reach on the host over IPv6: NDP, MLD, router solicitation and the
 *                     metadata port on the IPv6 gateway; the rest is rejected.
 *  filter  <id>-FWD:  guest↔guest on the bridge (bridge-nf-call-ip6tables=1), and nothing routed: IPv6 is
 *                     hermetic whatever `egress` says (there is no IPv6 egress).
 * No POSTROUTING chain: nothing is masqueraded.
 */
export function buildIp6tablesPlan(config: NetworkConfig, ipv6: CloudIpv6): IptablesPlan {
  const names = networkNames(config.cloudId);
  const { pre, input, forward } = names.chains;
  const tag = `-m comment --comment "${names.tag}"`;
  const br = config.bridge;
  const to = `[${ipv6.gateway}]:${config.metadataPort}`;

  const nat = [
    '*nat',
    `:${pre} - [0:0]`,
    ...(config.endpoints6 ?? []).flatMap((e) =>
      e.ports.map((port) => `-A ${pre} -d ${e.address}/128 -p tcp -m tcp --dport ${port} ${tag} -j DNAT --to-destination ${to}`),
    ),
    'COMMIT',
  ];
  const filter = [
    '*filter',
    `:${input} - [0:0]`,
    `:${forward} - [0:0]`,
    `-A ${input} -m conntrack --ctstate RELATED,ESTABLISHED ${tag} -j ACCEPT`,
    ...ICMPV6_TO_HOST.map(({ type }) => `-A ${input} -p ipv6-icmp -m icmp6 --icmpv6-type ${type} ${tag} -j ACCEPT`),
    `-A ${input} -d ${ipv6.gateway}/128 -p tcp -m tcp --dport ${config.metadataPort} ${tag} -j ACCEPT`,
    `-A ${input} ${tag} -j REJECT --reject-with icmp6-adm-prohibited`,
    `-A ${forward} -i ${br} -o ${br} ${tag} -j ACCEPT`,
    `-A ${forward} ${tag} -j REJECT --reject-with icmp6-adm-prohibited`,
    'COMMIT',
  ];

  const comment = ['-m', 'comment', '--comment', names.tag];
  return {
    restore: [...nat, ...filter, ''].join('\n'),
    jumps: [
      { table: 'nat', chain: 'PREROUTING', spec: ['-i', br, ...comment, '-j', pre] },
      { table: 'filter', chain: 'INPUT', spec: ['-i', br, ...comment, '-j', input] },
      { table: 'filter', chain: 'FORWARD', spec: ['-i', br, ...comment, '-j', forward] },
      { table: 'filter', chain: 'FORWARD', spec: ['-o', br, ...comment, '-j', forward] },
    ],
  };
}
