import type { CloudIpv6 } from '../../../core/ipv6.js';
import type { NetworkConfig } from '../../../ports/network.js';
import { networkNames } from '../network-names.js';
import { buildIp6tablesPlan } from './ip6tables-rules.js';
import { buildIptablesCleanup } from './iptables-rules.js';
import { runTool } from './run-tool.js';

/**
 * Applies and removes a cloud's ip6tables rules (ip6tables-nft), as iptables-firewall.ts does for IPv4.
 * The chains and tags are the IPv4 ones, in the ip6 tables: buildIptablesCleanup finds them in
 * `ip6tables-save` output the same way.
 */

/** Loads the cloud's ip6 chains (replacing their contents) and inserts any missing jump. Idempotent. */
export async function applyIp6tables(config: NetworkConfig, ipv6: CloudIpv6): Promise<void> {
  const plan = buildIp6tablesPlan(config, ipv6);
  await runTool('ip6tables-restore', ['-w', '--noflush'], { input: plan.restore });
  for (const jump of plan.jumps) {
    const present = await runTool('ip6tables', ['-w', '-t', jump.table, '-C', jump.chain, ...jump.spec], { allowExit: [1] });
    if (present.status === 1) await runTool('ip6tables', ['-w', '-t', jump.table, '-I', jump.chain, '1', ...jump.spec]);
  }
}

/** Removes every ip6tables rule tagged with the cloud's id and its chains (all clouds' with null). MUST succeed when none is there. */
export async function removeIp6tables(cloudId: string | null): Promise<number> {
  const cleanup = buildIptablesCleanup(await ip6tablesSave(), cloudId);
  if (cleanup === null) return 0;
  await runTool('ip6tables-restore', ['-w', '--noflush'], { input: cleanup });
  return cleanup.split('\n').filter((l) => l.startsWith('-D ') || l.startsWith('-X ')).length;
}

/** `ip6tables-save` output (all tables). */
export async function ip6tablesSave(): Promise<string> {
  return (await runTool('ip6tables-save', [])).stdout;
}

/** Whether PREROUTING jumps into the cloud's ip6 nat chain and every endpoints6 address:port is DNATed to the IPv6 gateway. */
export async function hasMetadataRedirect6(config: NetworkConfig, ipv6: CloudIpv6): Promise<boolean> {
  const { chains, tag } = networkNames(config.cloudId);
  const nat = (await runTool('ip6tables-save', ['-t', 'nat'])).stdout.split('\n');
  const jump = nat.some((l) => l.startsWith('-A PREROUTING ') && l.includes(`-i ${config.bridge} `) && l.endsWith(`-j ${chains.pre}`));
  const to = `--to-destination [${ipv6.gateway}]:${config.metadataPort}`;
  const dnat = (address: string, port: number): boolean =>
    nat.some((l) => l.startsWith(`-A ${chains.pre} -d ${address}/128 `) && l.includes(`--dport ${port} `) && l.includes(`"${tag}"`) && l.endsWith(to));
  return jump && (config.endpoints6 ?? []).every((e) => e.ports.every((p) => dnat(e.address, p)));
}
