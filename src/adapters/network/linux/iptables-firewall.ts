import type { NetworkConfig, NetworkHost } from '../../../ports/network.js';
import { networkNames } from '../network-names.js';
import { buildIptablesCleanup, buildIptablesPlan, buildLinkLocalSnat, METADATA_ADDRESS } from './iptables-rules.js';
import { runTool } from './run-tool.js';

/**
 * Applies and removes a cloud's iptables rules (iptables-nft on Debian 12). The rule text comes from
 * buildIptablesPlan; this file only runs it. `-w` waits for the xtables lock instead of failing when
 * Docker or libvirt changes rules at the same moment.
 */

/** Loads the cloud's chains (replacing their contents) and inserts any missing jump. Idempotent. */
export async function applyIptables(config: NetworkConfig): Promise<void> {
  const plan = buildIptablesPlan(config);
  await runTool('iptables-restore', ['-w', '--noflush'], { input: plan.restore });
  for (const jump of plan.jumps) {
    const present = await runTool('iptables', ['-w', '-t', jump.table, '-C', jump.chain, ...jump.spec], { allowExit: [1] });
    if (present.status === 1) await runTool('iptables', ['-w', '-t', jump.table, '-I', jump.chain, '1', ...jump.spec]);
  }
}

/** Refills the cloud's nat `<id>-LL` chain with the link-local hosts' SNAT (buildLinkLocalSnat). Idempotent. */
export async function applyLinkLocalSnat(cloudId: string, hosts: readonly NetworkHost[]): Promise<void> {
  await runTool('iptables-restore', ['-w', '--noflush'], { input: buildLinkLocalSnat(cloudId, hosts) });
}

/**
 * Removes every rule tagged with the cloud's id and its chains (all clouds' with `cloudId` null).
 * Returns how many rules and chains went. MUST succeed when nothing is there.
 */
export async function removeIptables(cloudId: string | null): Promise<number> {
  const save = await runTool('iptables-save', []);
  const cleanup = buildIptablesCleanup(save.stdout, cloudId);
  if (cleanup === null) return 0;
  await runTool('iptables-restore', ['-w', '--noflush'], { input: cleanup });
  return cleanup.split('\n').filter((l) => l.startsWith('-D ') || l.startsWith('-X ')).length;
}

/** Whether the DNAT rule for 169.254.169.254:80 is installed and reached from PREROUTING. */
export async function hasMetadataRedirect(config: NetworkConfig): Promise<boolean> {
  const { chains, tag } = networkNames(config.cloudId);
  const nat = (await runTool('iptables-save', ['-t', 'nat'])).stdout.split('\n');
  const jump = nat.some((l) => l.startsWith('-A PREROUTING ') && l.includes(`-i ${config.bridge} `) && l.endsWith(`-j ${chains.pre}`));
  const dnat = nat.some(
    (l) =>
      l.startsWith(`-A ${chains.pre} -d ${METADATA_ADDRESS}/32`) &&
      l.includes(`"${tag}"`) &&
      l.endsWith(`--to-destination ${config.gateway}:${config.metadataPort}`),
  );
  return jump && dnat;
}

/** The filter table's FORWARD policy (`ACCEPT`/`DROP`), as iptables-nft sees it. */
export async function forwardPolicy(): Promise<string> {
  const { stdout } = await runTool('iptables', ['-w', '-S', 'FORWARD']);
  return /^-P FORWARD (\S+)/m.exec(stdout)?.[1] ?? 'ACCEPT';
}
