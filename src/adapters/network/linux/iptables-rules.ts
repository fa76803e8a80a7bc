import type { NetworkConfig, NetworkEndpoint, NetworkHost } from '../../../ports/network.js';
import { networkNames, TAG_PREFIX } from '../network-names.js';

/** The metadata address and port guests use; DNATed to the gateway. */
export const METADATA_ADDRESS = '169.254.169.254';
const METADATA_GUEST_PORT = 80;
/** IPv4 link-local (RFC 3927): where DigitalOcean's guests talk from before they know their address. */
export const LINK_LOCAL_NET = '169.254.0.0/16';

/** A rule in a built-in chain that jumps into one of the cloud's chains (inserted at position 1). */
export interface IptablesJump {
  table: 'nat' | 'filter';
  chain: 'PREROUTING' | 'POSTROUTING' | 'INPUT' | 'FORWARD';
  /** Rule spec as iptables argv, without `-t`/`-A`/`-I`/`-C`. */
  spec: string[];
}

export interface IptablesPlan {
  /**
   * Input for `iptables-restore --noflush`. Declaring a user chain flushes it, so loading this text
   * twice leaves the same rules: this is what makes ensureUp idempotent.
   */
  restore: string;
  /** Jumps from the built-in chains; the adapter checks each with `-C` and inserts only missing ones. */
  jumps: IptablesJump[];
}

/**
 * minicloud's iptables rules for one cloud (pure). Every rule carries the cloud's tag as a comment.
 *  nat     <id>-PRE:  169.254.169.254:80 and each of extraMetadataPorts, each extraEndpoints address:port,
 *                     and each gatewayPorts port on the gateway itself, arriving on the bridge →
 *                     gateway:metadataPort (DNAT keeps the source IP, which is how the metadata server tells
 *                     guests apart; the server tells the ports' protocols apart by what the clients send).
 *                     <id>-IN needs no rule for them: INPUT sees the DNATed destination, gateway:metadataPort.
 *  nat     <id>-POST: MASQUERADE for the subnet, only with egress.
 *  nat     <id>-LL:   (nat INPUT) link-local guests' SNAT, per host: buildLinkLocalSnat.
 *  filter  <id>-IN:   what guests may reach on the host: DHCP, DNS on the gateway, the metadata port; the rest is rejected.
 *  filter  <id>-FWD:  guest↔guest on the bridge (bridge-nf-call-iptables=1 sends bridged frames through FORWARD,
 *                     so a FORWARD policy of DROP would otherwise cut them); routed traffic only with egress.
 */
export function buildIptablesPlan(config: NetworkConfig): IptablesPlan {
  const names = networkNames(config.cloudId);
  const { pre, post, input, forward, linkLocal } = names.chains;
  const tag = ['-m', 'comment', '--comment', `"${names.tag}"`].join(' ');
  const br = config.bridge;
  const gw = `${config.gateway}/32`;

  const nat = [
    '*nat',
    `:${pre} - [0:0]`,
    `:${post} - [0:0]`,
    // Declared (so flushed) here, filled by buildLinkLocalSnat at each setHosts.
    `:${linkLocal} - [0:0]`,
    ...metadataEndpoints(config).flatMap(({ address, ports }) =>
      ports.map((port) => `-A ${pre} -d ${address}/32 -p tcp -m tcp --dport ${port} ${tag} -j DNAT --to-destination ${config.gateway}:${config.metadataPort}`),
    ),
    ...(config.egress ? [`-A ${post} -s ${config.subnet} ! -d ${config.subnet} ${tag} -j MASQUERADE`] : []),
    'COMMIT',
  ];
  const filter = [
    '*filter',
    `:${input} - [0:0]`,
    `:${forward} - [0:0]`,
    `-A ${input} -m conntrack --ctstate RELATED,ESTABLISHED ${tag} -j ACCEPT`,
    `-A ${input} -p udp -m udp --sport 68 --dport 67 ${tag} -j ACCEPT`,
    `-A ${input} -d ${gw} -p udp -m udp --dport 53 ${tag} -j ACCEPT`,
    `-A ${input} -d ${gw} -p tcp -m tcp --dport 53 ${tag} -j ACCEPT`,
    `-A ${input} -d ${gw} -p tcp -m tcp --dport ${config.metadataPort} ${tag} -j ACCEPT`,
    `-A ${input} ${tag} -j REJECT --reject-with icmp-admin-prohibited`,
    `-A ${forward} -i ${br} -o ${br} ${tag} -j ACCEPT`,
    ...(config.egress
      ? [
          `-A ${forward} -i ${br} -s ${config.subnet} ${tag} -j ACCEPT`,
          `-A ${forward} -o ${br} -m conntrack --ctstate RELATED,ESTABLISHED ${tag} -j ACCEPT`,
        ]
      : []),
    `-A ${forward} ${tag} -j REJECT --reject-with icmp-admin-prohibited`,
    'COMMIT',
  ];

  const comment = ['-m', 'comment', '--comment', names.tag];
  const jumps: IptablesJump[] = [
    { table: 'nat', chain: 'PREROUTING', spec: ['-i', br, ...comment, '-j', pre] },
    { table: 'nat', chain: 'POSTROUTING', spec: ['-s', config.subnet, ...comment, '-j', post] },
    { table: 'nat', chain: 'INPUT', spec: ['-i', br, '-s', LINK_LOCAL_NET, ...comment, '-j', linkLocal] },
    { table: 'filter', chain: 'INPUT', spec: ['-i', br, ...comment, '-j', input] },
    { table: 'filter', chain: 'FORWARD', spec: ['-i', br, ...comment, '-j', forward] },
    { table: 'filter', chain: 'FORWARD', spec: ['-o', br, ...comment, '-j', forward] },
  ];
  return { restore: [...nat, ...filter, ''].join('\n'), jumps };
}

/** Every address:ports pair DNATed to the metadata server, in rule order (pure). */
function metadataEndpoints(config: NetworkConfig): NetworkEndpoint[] {
  return [
    { address: METADATA_ADDRESS, ports: [METADATA_GUEST_PORT, ...(config.extraMetadataPorts ?? [])] },
    ...(config.extraEndpoints ?? []),
    ...((config.gatewayPorts ?? []).length > 0 ? [{ address: config.gateway, ports: config.gatewayPorts ?? [] }] : []),
  ];
}

/**
 * Input for `iptables-restore --noflush` that refills the cloud's nat `<id>-LL` chain (pure): for each
 * link-local host (DigitalOcean), what arrives for the host itself from 169.254/16 with that host's MAC
 * is SNATed to the host's reserved address. The metadata server then sees the instance's own address,
 * as from a DHCP guest, and needs nothing of its own for the link-local phase. The MAC is a proof of
 * identity because the anti-spoofing filter admits 169.254/16 on a tap only with the tap's own MAC.
 * SNAT in nat INPUT happens after routing, so replies are routed to 169.254.x.y (see linkLocalTable).
 */
export function buildLinkLocalSnat(cloudId: string, hosts: readonly NetworkHost[]): string {
  const names = networkNames(cloudId);
  const chain = names.chains.linkLocal;
  const tag = `-m comment --comment "${names.tag}"`;
  const rules = hosts
    .filter((h) => h.guestNetwork === 'link-local')
    .slice()
    .sort((a, b) => a.mac.localeCompare(b.mac))
    .map((h) => `-A ${chain} -s ${LINK_LOCAL_NET} -m mac --mac-source ${h.mac} ${tag} -j SNAT --to-source ${h.ip}`);
  return ['*nat', `:${chain} - [0:0]`, ...rules, 'COMMIT', ''].join('\n');
}

const OUR_CHAIN = /^MC-([a-z0-9][a-z0-9-]{0,15})-(PRE|POST|IN|FWD|LL)$/;

/**
 * Input for `iptables-restore --noflush` that removes a cloud's rules (or, with `cloudId` null, every
 * minicloud cloud's), found in `iptables-save` output by their tags (pure): first every tagged rule in
 * other chains (the jumps), then our chains are flushed and deleted. Returns null when nothing is there.
 * Teardown and prune both use this, so they remove exactly what carries the tag and nothing else.
 */
export function buildIptablesCleanup(saveOutput: string, cloudId: string | null): string | null {
  const tag = cloudId === null ? null : `${TAG_PREFIX}${cloudId}`;
  const isOurChain = (chain: string): boolean => {
    const m = OUR_CHAIN.exec(chain);
    return m !== null && (cloudId === null || m[1] === cloudId);
  };
  const hasTag = (line: string): boolean => {
    const m = /--comment "?(minicloud:[a-z0-9-]+)"?(?:\s|$)/.exec(line);
    return m !== null && (tag === null || m[1] === tag);
  };

  const out: string[] = [];
  let table: string | null = null;
  let deletes: string[] = [];
  let chains: string[] = [];
  const flushTable = (): void => {
    if (table !== null && (deletes.length > 0 || chains.length > 0)) {
      out.push(`*${table}`, ...deletes, ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), 'COMMIT');
    }
    deletes = [];
    chains = [];
  };
  for (const line of saveOutput.split('\n')) {
    if (line.startsWith('*')) {
      flushTable();
      table = line.slice(1).trim();
    } else if (line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0] ?? '';
      if (isOurChain(chain)) chains.push(chain);
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      if (!isOurChain(chain) && hasTag(line)) deletes.push(`-D ${line.slice(3)}`);
    } else if (line.startsWith('COMMIT')) {
      flushTable();
      table = null;
    }
  }
  flushTable();
  return out.length === 0 ? null : [...out, ''].join('\n');
}
