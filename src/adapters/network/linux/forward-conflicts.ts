import { errors, type MinicloudError } from '../../../errors/catalogue.js';
import { forwardPolicy } from './iptables-firewall.js';
import { runTool } from './run-tool.js';

interface NftChain {
  family: string;
  table: string;
  name: string;
  hook?: string;
  policy?: string;
}

/**
 * Firewalls that would drop the bridge's guest↔guest traffic (bridge-nf-call-iptables=1 sends bridged
 * frames through the ip FORWARD hook). iptables' own FORWARD policy DROP (Docker sets it) is handled:
 * minicloud's FWD chain is jumped to from position 1 and accepts the bridge's traffic first, so it is only
 * reported. Another nftables table with a forward base chain of policy drop cannot be overridden from
 * our chains: every base chain on the hook votes, and a drop in any of them wins.
 * Returns warnings (never throws for a conflict): the metadata path, which is local INPUT, still works.
 */
export async function detectForwardConflicts(): Promise<{ error: MinicloudError; blocking: boolean }[]> {
  const found: { error: MinicloudError; blocking: boolean }[] = [];
  if ((await forwardPolicy()) === 'DROP') {
    found.push({ error: errors.networkForwardBlocked('the iptables FORWARD policy (DROP, as Docker sets it)'), blocking: false });
  }
  const { stdout } = await runTool('nft', ['-j', 'list', 'chains']);
  const chains = (JSON.parse(stdout || '{"nftables":[]}') as { nftables: { chain?: NftChain }[] }).nftables.flatMap((e) =>
    e.chain ? [e.chain] : [],
  );
  for (const c of chains) {
    const isIptablesForward = c.family === 'ip' && c.table === 'filter' && c.name === 'FORWARD';
    if (c.hook === 'forward' && c.policy === 'drop' && !isIptablesForward && (c.family === 'ip' || c.family === 'inet')) {
      found.push({ error: errors.networkForwardBlocked(`nft chain ${c.family} ${c.table} ${c.name}`), blocking: true });
    }
  }
  return found;
}
