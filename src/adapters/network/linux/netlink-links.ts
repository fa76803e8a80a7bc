import nl from 'netlink';
import { errors } from '../../../errors/catalogue.js';
import type { ObservedRoute } from '../choose-subnet.js';
import { ipv4FromBytes, ipv4ToBytes } from '../ipv4.js';
import { formatIpv6, parseIpv6 } from '../../../core/ipv6.js';

/** A network interface as rtnetlink reports it. */
export interface LinkInfo {
  index: number;
  name: string;
  /** IFLA_IFALIAS; minicloud tags its bridges with `minicloud:<cloudId>`. */
  alias: string | null;
  /** IFLA_INFO_KIND (`bridge`, `veth`, `tun`…); null for devices without one (physical NICs, lo). */
  kind: string | null;
  /** Index of the bridge this link is enslaved to. */
  master: number | null;
  isUp: boolean;
}

const AF_INET = 2;
const AF_INET6 = 10;
const IFLA_INFO_KIND = 1;

// rtnetlink attributes the `netlink` package leaves as raw bytes (its rtnetlink decoder covers only some attributes).
function nla(type: number, payload: Buffer): Buffer {
  const length = 4 + payload.length;
  const b = Buffer.alloc((length + 3) & ~3);
  b.writeUInt16LE(length, 0);
  b.writeUInt16LE(type, 2);
  payload.copy(b, 4);
  return b;
}

function kindOf(linkinfo: Buffer | undefined): string | null {
  for (let off = 0; linkinfo !== undefined && off + 4 <= linkinfo.length; ) {
    const length = linkinfo.readUInt16LE(off);
    if (length < 4) break;
    if ((linkinfo.readUInt16LE(off + 2) & 0x3fff) === IFLA_INFO_KIND) {
      return linkinfo.subarray(off + 4, off + length).toString('utf8').replace(/\0+$/, '');
    }
    off += (length + 3) & ~3;
  }
  return null;
}

/** A route's table: RTA_TABLE when the id does not fit rtm_table (above 255). */
function tableOf(r: { data: { table?: number }; attrs: { table?: number } }): number {
  return r.attrs.table ?? r.data.table ?? 0;
}

/**
 * Links, addresses and routes of the calling process's network namespace, through rtnetlink (the
 * `netlink` package), never by parsing `ip` output. To work in another namespace, run the process there
 * (`ip netns exec NAME …`): a netlink socket always talks to the namespace it was opened in.
 */
export class NetlinkLinks {
  private readonly socket = nl.createRtNetlink();
  /** One request at a time: the kernel refuses a second dump on a socket while one runs (EBUSY). */
  private queue: Promise<unknown> = Promise.resolve();

  close(): void {
    this.socket.socket.close();
  }

  async listLinks(): Promise<LinkInfo[]> {
    const links = await this.call('list links', () => this.socket.getLinks());
    return links.map((l) => ({
      index: l.data.index ?? 0,
      name: l.attrs.ifname ?? '',
      alias: l.attrs.ifalias ?? null,
      kind: kindOf(l.attrs.linkinfo),
      master: l.attrs.master ?? null,
      isUp: l.data.flags?.up === true,
    }));
  }

  async findLink(name: string): Promise<LinkInfo | null> {
    return (await this.listLinks()).find((l) => l.name === name) ?? null;
  }

  /** Creates a bridge tagged with `alias`; the caller has checked that no link has the name. */
  async createBridge(name: string, alias: string): Promise<LinkInfo> {
    await this.call(`create bridge ${name}`, () =>
      this.socket.newLink({}, { ifname: name, linkinfo: nla(IFLA_INFO_KIND, Buffer.from('bridge\0')) }, {
        flags: nl.FlagsNew.CREATE | nl.FlagsNew.EXCL,
      }),
    );
    const link = await this.findLink(name);
    if (link === null) throw errors.networkNetlinkFailed(`create bridge ${name}`, 'the bridge vanished after creation');
    // IFLA_IFALIAS is ignored on RTM_NEWLINK; it only sticks through a separate set.
    await this.call(`tag ${name}`, () => this.socket.setLink({ index: link.index }, { ifalias: alias }));
    return { ...link, alias };
  }

  async setUp(link: LinkInfo): Promise<void> {
    if (link.isUp) return;
    await this.call(`set ${link.name} up`, () => this.socket.setLink({ index: link.index, change: { up: true }, flags: { up: true } }));
  }

  /** Enslaves `port` to the bridge and brings it up; a no-op when it already is. */
  async enslave(port: LinkInfo, bridge: LinkInfo): Promise<void> {
    if (port.master !== bridge.index) {
      await this.call(`attach ${port.name} to ${bridge.name}`, () => this.socket.setLink({ index: port.index }, { master: bridge.index }));
    }
    await this.setUp(port);
  }

  async deleteLink(link: LinkInfo): Promise<void> {
    await this.call(`delete ${link.name}`, () => this.socket.delLink({ index: link.index }), ['ENODEV']);
  }

  /** IPv4 addresses on a link as `ip/prefix`. */
  async listAddresses(link: LinkInfo): Promise<string[]> {
    const addresses = await this.call('list addresses', () => this.socket.getAddresses({ family: AF_INET }));
    return addresses
      .filter((a) => a.data.index === link.index && a.attrs.local !== undefined)
      .map((a) => `${ipv4FromBytes(a.attrs.local as Buffer)}/${a.data.prefixlen ?? 32}`);
  }

  /** Adds `ip/prefix` to the link unless it is there already. */
  async ensureAddress(link: LinkInfo, ip: string, prefix: number): Promise<void> {
    if ((await this.listAddresses(link)).includes(`${ip}/${prefix}`)) return;
    const bytes = ipv4ToBytes(ip);
    await this.call(`add ${ip}/${prefix} to ${link.name}`, () =>
      this.socket.newAddress({ family: AF_INET, prefixlen: prefix, index: link.index }, { local: bytes, address: bytes }, {
        flags: nl.FlagsNew.CREATE | nl.FlagsNew.EXCL,
      }),
    );
  }

  /** IPv6 addresses on a link as `ip/prefix`, canonical text. */
  async listAddresses6(link: LinkInfo): Promise<string[]> {
    const addresses = await this.call('list IPv6 addresses', () => this.socket.getAddresses({ family: AF_INET6 }));
    return addresses
      .filter((a) => a.data.index === link.index && a.attrs.address !== undefined)
      .map((a) => `${formatIpv6(groupsOf(a.attrs.address as Buffer))}/${a.data.prefixlen ?? 128}`);
  }

  /** Adds the IPv6 `ip/prefix` without duplicate address detection (usable at once) unless it is there already. */
  async ensureAddress6(link: LinkInfo, ip: string, prefix: number): Promise<void> {
    if ((await this.listAddresses6(link)).includes(`${ip}/${prefix}`)) return;
    const groups = parseIpv6(ip);
    if (groups === null) throw errors.networkNetlinkFailed(`add ${ip}/${prefix} to ${link.name}`, 'not an IPv6 address');
    const bytes = Buffer.alloc(16);
    groups.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
    await this.call(`add ${ip}/${prefix} to ${link.name}`, () =>
      this.socket.newAddress({ family: AF_INET6, prefixlen: prefix, index: link.index, flags: { nodad: true } }, { local: bytes, address: bytes }, {
        flags: nl.FlagsNew.CREATE | nl.FlagsNew.EXCL,
      }),
    );
  }

  /** Unicast IPv4 routes of every table, with their outgoing device's name: what a new subnet must not overlap. */
  async listRoutes(): Promise<ObservedRoute[]> {
    const [routes, links] = await Promise.all([this.call('list routes', () => this.socket.getRoutes({ family: AF_INET })), this.listLinks()]);
    const nameOf = new Map(links.map((l) => [l.index, l.name]));
    return routes
      .filter((r) => r.data.type === 'UNICAST')
      .map((r) => ({
        destination: `${r.attrs.dst === undefined ? '0.0.0.0' : ipv4FromBytes(r.attrs.dst)}/${r.data.dstLen ?? 0}`,
        device: r.attrs.oif === undefined ? null : (nameOf.get(r.attrs.oif) ?? null),
      }));
  }

  /**
   * Makes `from/32 to dst/dstLen` look up `table` (policy routing), and puts `dst/dstLen dev link` in that
   * table, unless both are there. Idempotent. The route goes with the link; the rule stays until
   * deleteRulesTo removes it.
   */
  async ensureSourceRoute(opts: { link: LinkInfo; from: string; dst: string; dstLen: number; table: number; priority: number }): Promise<void> {
    const dst = ipv4ToBytes(opts.dst);
    const routes = await this.call('list routes', () => this.socket.getRoutes({ family: AF_INET }));
    const hasRoute = routes.some(
      (r) => tableOf(r) === opts.table && r.data.dstLen === opts.dstLen && r.attrs.oif === opts.link.index && r.attrs.dst !== undefined && ipv4FromBytes(r.attrs.dst) === opts.dst,
    );
    if (!hasRoute) {
      await this.call(`add route ${opts.dst}/${opts.dstLen} dev ${opts.link.name} table ${opts.table}`, () =>
        this.socket.newRoute(
          { family: AF_INET, dstLen: opts.dstLen, table: 0, protocol: 'BOOT', scope: 'LINK', type: 'UNICAST' },
          { dst, oif: opts.link.index, table: opts.table },
          { flags: nl.FlagsNew.CREATE | nl.FlagsNew.REPLACE },
        ),
      );
    }
    const rules = await this.listRules();
    if (rules.some((r) => r.table === opts.table && r.from === `${opts.from}/32` && r.to === `${opts.dst}/${opts.dstLen}`)) return;
    await this.call(`add rule from ${opts.from} to ${opts.dst}/${opts.dstLen} lookup ${opts.table}`, () =>
      this.socket.newRule(
        { family: AF_INET, srcLen: 32, dstLen: opts.dstLen, table: 0, action: 'toTbl' },
        { src: ipv4ToBytes(opts.from), dst, table: opts.table, priority: opts.priority },
        { flags: nl.FlagsNew.CREATE | nl.FlagsNew.EXCL },
      ),
    );
  }

  /** IPv4 policy-routing rules: their selectors (`ip/len`, null for all) and the table they look up. */
  async listRules(): Promise<{ from: string | null; to: string | null; table: number; priority: number }[]> {
    const rules = await this.call('list rules', () => this.socket.getRules({ family: AF_INET }));
    return rules.map((r) => ({
      from: r.attrs.src === undefined ? null : `${ipv4FromBytes(r.attrs.src)}/${r.data.srcLen ?? 32}`,
      to: r.attrs.dst === undefined ? null : `${ipv4FromBytes(r.attrs.dst)}/${r.data.dstLen ?? 32}`,
      table: r.attrs.table ?? r.data.table ?? 0,
      priority: r.attrs.priority ?? 0,
    }));
  }

  /** Deletes every IPv4 rule that looks up a table `wanted` accepts; returns how many went. MUST succeed when none is there. */
  async deleteRulesTo(wanted: (table: number) => boolean): Promise<number> {
    const ours = (await this.listRules()).filter((r) => wanted(r.table));
    for (const r of ours) {
      await this.call(`delete rule lookup ${r.table}`, () =>
        this.socket.delRule(
          { family: AF_INET, srcLen: r.from === null ? 0 : Number(r.from.split('/')[1]), dstLen: r.to === null ? 0 : Number(r.to.split('/')[1]), table: 0, action: 'toTbl' },
          {
            ...(r.from === null ? {} : { src: ipv4ToBytes(r.from.split('/')[0] ?? '') }),
            ...(r.to === null ? {} : { dst: ipv4ToBytes(r.to.split('/')[0] ?? '') }),
            table: r.table,
            priority: r.priority,
          },
        ),
        ['ENOENT'],
      );
    }
    return ours.length;
  }

  /** Queues one request; maps the kernel's errno to a coded error. `tolerated` errnos resolve to null. */
  private call<T>(operation: string, request: () => Promise<T>, tolerated: string[] = []): Promise<T> {
    const result = this.queue.then(() => this.send(operation, request, tolerated));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async send<T>(operation: string, request: () => Promise<T>, tolerated: string[]): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const errno = /\b(E[A-Z]+)\b/.exec(String((err as Error).message))?.[1] ?? 'unknown error';
      if (tolerated.includes(errno)) return null as T;
      if (errno === 'EPERM' || errno === 'EACCES') throw errors.networkPermission(operation).causedBy(err);
      throw errors.networkNetlinkFailed(operation, errno).causedBy(err);
    }
  }
}

function groupsOf(bytes: Buffer): number[] {
  return Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
}
