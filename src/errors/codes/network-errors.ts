import { defineError, ExitCode } from '../define-error.js';

/** Errors of the host network plane (bridge, dnsmasq, iptables, nftables). Each hint says what to do. */
export const networkErrors = {
  networkCloudIdInvalid: defineError('MC_ERR_NETWORK_CLOUD_ID', {
    summary: 'The cloud id cannot be used to name and tag host network objects.',
    exit: ExitCode.usage,
    message: (cloudId: string) => `cloud id "${cloudId}" cannot name network objects`,
    hint: () => 'Use 1–16 characters: lowercase letters, digits and "-", starting with a letter or digit.',
  }),
  networkConfigInvalid: defineError('MC_ERR_NETWORK_CONFIG', {
    summary: 'A network setting (bridge name, subnet, gateway, port) is malformed.',
    exit: ExitCode.usage,
    message: (field: string, reason: string) => `network setting ${field}: ${reason}`,
    hint: (field: string) => `Fix ${field}; see docs/networking.md for the accepted forms.`,
  }),
  networkNoFreeSubnet: defineError('MC_ERR_NETWORK_NO_FREE_SUBNET', {
    summary: 'Every candidate /24 for the cloud subnet overlaps a route that already exists.',
    exit: ExitCode.host,
    message: (first: string, last: string) => `no free /24 between ${first} and ${last}: each overlaps an existing route`,
    hint: () => 'Pass --subnet with a free /24 (check `ip route`), or run the cloud in its own namespace with --netns.',
  }),
  networkSubnetInUse: defineError('MC_ERR_NETWORK_SUBNET_IN_USE', {
    summary: 'The requested subnet overlaps a route the host already has on another interface.',
    exit: ExitCode.host,
    message: (subnet: string, route: string, device: string) =>
      `subnet ${subnet} overlaps the existing route ${route} on ${device}`,
    hint: () => 'Choose another --subnet, or leave it out and minicloud picks a free /24.',
  }),
  networkBridgeTaken: defineError('MC_ERR_NETWORK_BRIDGE_TAKEN', {
    summary: 'A network interface with the bridge name exists and was not made by this cloud.',
    exit: ExitCode.host,
    message: (bridge: string, found: string) => `interface ${bridge} already exists (${found}) and is not this cloud's`,
    hint: (bridge: string) =>
      `Pick another --bridge, or delete ${bridge} if it is a leftover (\`minicloud prune\` removes minicloud's own).`,
  }),
  networkToolMissing: defineError('MC_ERR_NETWORK_TOOL_MISSING', {
    summary: 'A host program the network plane runs (dnsmasq, iptables, nft, ip) is not installed.',
    exit: ExitCode.host,
    message: (tool: string, _pkg: string) => `${tool} is not installed`,
    hint: (_tool: string, pkg: string) => `Install it: apt-get install ${pkg} (or run ./scripts/install-host-packages.sh).`,
  }),
  networkPermission: defineError('MC_ERR_NETWORK_PERMISSION', {
    summary: 'Changing links, addresses or firewall rules was refused: minicloud is not running as root.',
    exit: ExitCode.host,
    message: (operation: string) => `permission denied: ${operation}`,
    hint: () => 'Run minicloud as root (sudo), or with CAP_NET_ADMIN and CAP_NET_RAW.',
  }),
  networkNetlinkFailed: defineError('MC_ERR_NETWORK_NETLINK', {
    summary: 'The kernel refused a link or address change made through rtnetlink.',
    exit: ExitCode.host,
    message: (operation: string, reason: string) => `${operation} failed: ${reason}`,
    hint: () => 'Check `ip -d link` and `ip addr` for a conflicting interface or address; `minicloud prune` removes leftovers.',
  }),
  networkCommandFailed: defineError('MC_ERR_NETWORK_COMMAND', {
    summary: 'An iptables, nft or ip command exited with an error while changing the network plane.',
    exit: ExitCode.host,
    message: (command: string, stderr: string) => `${command} failed: ${stderr.trim() || 'no error output'}`,
    hint: () =>
      'Check that iptables is the nf_tables variant (`iptables --version`) and that no iptables-legacy rules are present; see docs/networking.md#troubleshooting.',
  }),
  networkDhcpFailed: defineError('MC_ERR_NETWORK_DHCP', {
    summary: 'The DHCP and DNS server of the cloud (dnsmasq) did not start or kept dying.',
    exit: ExitCode.host,
    message: (reason: string, _logPath: string) => `dnsmasq: ${reason}`,
    hint: (_reason: string, logPath: string) => `Read ${logPath}; the last lines say why dnsmasq stopped.`,
  }),
  networkDnsPortInUse: defineError('MC_ERR_NETWORK_DNS_PORT_IN_USE', {
    summary: 'The DHCP/DNS server cannot listen for DNS on the gateway because another program holds port 53 on all addresses.',
    exit: ExitCode.host,
    message: (address: string) => `port 53 on ${address} is taken by another DNS server`,
    hint: () =>
      'Stop the other DNS server (`ss -lunp sport = :53` shows it) or make it bind to specific addresses (e.g. bind-interfaces).',
  }),
  networkPortInUse: defineError('MC_ERR_NETWORK_PORT_IN_USE', {
    summary: 'The metadata server port on the gateway address is already taken.',
    exit: ExitCode.host,
    message: (address: string, port: number) => `${address}:${port} is already in use`,
    hint: () => 'Pass another --metadata-port, or stop the program holding it (`ss -ltnp` shows it).',
  }),
  networkForwardBlocked: defineError('MC_ERR_NETWORK_FORWARD_BLOCKED', {
    summary: 'Another firewall drops forwarded packets before minicloud\'s rules can accept the bridge\'s traffic.',
    exit: ExitCode.host,
    message: (where: string) =>
      `${where} drops forwarded packets; with bridge-nf-call-iptables=1 it also drops guest-to-guest traffic on the bridge`,
    hint: (where: string) =>
      `Add an accept for the bridge to ${where} (e.g. \`iifname "minicloud0" oifname "minicloud0" accept\`), or run the cloud in its own namespace with --netns.`,
  }),
  networkIpForwardOff: defineError('MC_ERR_NETWORK_IP_FORWARD_OFF', {
    summary: 'Egress (--egress) was asked for but the host does not forward IPv4 packets.',
    exit: ExitCode.host,
    message: () => 'egress needs IPv4 forwarding, and net.ipv4.ip_forward is 0',
    hint: () => 'Run `sysctl -w net.ipv4.ip_forward=1`, or drop --egress (guests are hermetic by default).',
  }),
  networkTapMissing: defineError('MC_ERR_NETWORK_TAP_MISSING', {
    summary: 'A guest\'s tap interface was to be attached to the bridge but does not exist.',
    exit: ExitCode.boot,
    message: (tap: string) => `tap ${tap} does not exist`,
    hint: () => 'The hypervisor creates the tap when the guest starts; start the guest first.',
  }),
  networkNotUp: defineError('MC_ERR_NETWORK_NOT_UP', {
    summary: 'A network operation that needs the bridge ran before the network plane was brought up.',
    exit: ExitCode.internal,
    message: (operation: string) => `${operation} called before ensureUp`,
    hint: () => 'This is a bug in minicloud: report it with the command you ran.',
  }),
  networkNetnsMissing: defineError('MC_ERR_NETWORK_NETNS_MISSING', {
    summary: 'The network namespace given with --netns does not exist.',
    exit: ExitCode.usage,
    message: (name: string) => `network namespace ${name} does not exist`,
    hint: (name: string) => `Create it with \`ip netns add ${name}\`, or leave out --netns.`,
  }),
  networkPruneIncomplete: defineError('MC_ERR_NETWORK_PRUNE_INCOMPLETE', {
    summary: 'Removing a stopped cloud\'s network leftovers (dnsmasq, nft table, iptables rules, bridge) left some of them in place.',
    exit: ExitCode.host,
    message: (left: string) => `network leftovers still there: ${left}`,
    hint: () => 'Remove them by hand (docs/networking.md#troubleshooting lists them by their tags), then run `minicloud prune` again.',
  }),
};
