import { fnv1a } from '../../core/ipam.js';
import { errors } from '../../errors/catalogue.js';

/**
 * Every host object a cloud's network plane creates is named or tagged from its cloud id, so teardown
 * removes exactly these and `prune` can find them after a crash without any state:
 *   - the bridge's IFLA_IFALIAS is `minicloud:<cloudId>` (the bridge name itself is configurable);
 *   - iptables chains are `MC-<cloudId>-<PRE|POST|IN|FWD|LL>` and every rule carries `--comment minicloud:<cloudId>`;
 *   - the policy-routing rule for link-local guests' replies looks up table `linkLocalTable` (the bridge's
 *     route in it goes with the bridge; the rule is found by the table, in LINK_LOCAL_TABLES);
 *   - the nftables anti-spoofing table is `bridge minicloud-<cloudId>`;
 *   - dnsmasq's files live in the cloud's state directory, and its config's first line is the tag.
 */
export interface NetworkNames {
  /** The comment/alias tag: `minicloud:<cloudId>`. */
  tag: string;
  /** `linkLocal`: nat INPUT, the per-guest SNAT of link-local guests (DigitalOcean) to their own address. */
  chains: { pre: string; post: string; input: string; forward: string; linkLocal: string };
  /** Routing table holding `169.254.0.0/16 dev <bridge>`, looked up only for the gateway's replies to 169.254/16. */
  linkLocalTable: number;
  /** nft table name in the `bridge` family. */
  antispoofTable: string;
}

/** Tag prefix shared by all clouds; prune looks for it when no cloud id is given. */
export const TAG_PREFIX = 'minicloud:';
const CHAIN_PREFIX = 'MC-';
export const NFT_TABLE_PREFIX = 'minicloud-';

/** The routing tables minicloud's clouds use (prune finds their rules here): 0x6d630000 ("mc") + 16 bits of the cloud id. */
export const LINK_LOCAL_TABLES = { first: 0x6d630000, count: 0x10000 } as const;

// iptables chain names are limited to 28 characters: `MC-` + 16 + `-POST` = 24.
const CLOUD_ID = /^[a-z0-9][a-z0-9-]{0,15}$/;

export function isValidCloudId(cloudId: string): boolean {
  return CLOUD_ID.test(cloudId);
}

/** Throws MC_ERR_NETWORK_CLOUD_ID if the id cannot be used in link aliases, chain and table names. */
export function networkNames(cloudId: string): NetworkNames {
  if (!isValidCloudId(cloudId)) throw errors.networkCloudIdInvalid(cloudId);
  const chain = (suffix: string): string => `${CHAIN_PREFIX}${cloudId}-${suffix}`;
  return {
    tag: `${TAG_PREFIX}${cloudId}`,
    chains: { pre: chain('PRE'), post: chain('POST'), input: chain('IN'), forward: chain('FWD'), linkLocal: chain('LL') },
    linkLocalTable: LINK_LOCAL_TABLES.first + (fnv1a(cloudId) % LINK_LOCAL_TABLES.count),
    antispoofTable: `${NFT_TABLE_PREFIX}${cloudId}`,
  };
}

/** Linux interface names: 1–15 bytes, no `/`, no whitespace, not `.`/`..`. */
export function isValidLinkName(name: string): boolean {
  return /^[A-Za-z0-9_.:-]{1,15}$/.test(name) && name !== '.' && name !== '..';
}
