import type { CloudIpv6 } from '../../../core/ipv6.js';
import type { NetworkHost } from '../../../ports/network.js';
import { NFT_TABLE_PREFIX, networkNames } from '../network-names.js';
import { buildAntispoofDelete, buildAntispoofRuleset } from './antispoof-ruleset.js';
import { runTool } from './run-tool.js';

/** Replaces the cloud's anti-spoofing table in one atomic `nft -f` (see buildAntispoofRuleset). */
export async function applyAntispoof(
  cloudId: string,
  bridge: string,
  hosts: readonly NetworkHost[],
  strangerPorts: readonly string[],
  heldLinkLocal?: readonly string[],
  ipv6: CloudIpv6 | null = null,
): Promise<void> {
  await runTool('nft', ['-f', '-'], { input: buildAntispoofRuleset(cloudId, bridge, hosts, strangerPorts, heldLinkLocal, ipv6) });
}

/** Names of the minicloud tables in the `bridge` family: all clouds', or one cloud's. */
export async function listAntispoofTables(cloudId: string | null): Promise<string[]> {
  const { stdout } = await runTool('nft', ['-j', 'list', 'tables', 'bridge']);
  const parsed = JSON.parse(stdout || '{"nftables":[]}') as { nftables: { table?: { name: string } }[] };
  const names = parsed.nftables.flatMap((e) => (e.table ? [e.table.name] : []));
  const wanted = cloudId === null ? null : networkNames(cloudId).antispoofTable;
  return names.filter((n) => (wanted === null ? n.startsWith(NFT_TABLE_PREFIX) : n === wanted));
}

/** Deletes the table(s); MUST succeed when none is there. Returns how many went. */
export async function removeAntispoof(cloudId: string | null): Promise<number> {
  const tables = await listAntispoofTables(cloudId);
  for (const table of tables) {
    await runTool('nft', ['-f', '-'], { input: buildAntispoofDelete(table.slice(NFT_TABLE_PREFIX.length)) });
  }
  return tables.length;
}
