import { nextBoundary } from '../core/cloud-event-timeline.js';
import { guestMacOfIpv6Source } from '../core/ipv6.js';
import type { IamRole, InstanceRecord } from '../domain/instance.js';
import type { InstanceStore } from '../ports/store.js';
import { buildEc2VersionTree, type Ec2TreeContext } from './ec2/ec2-tree.js';
import type { Ec2Version } from './ec2/ec2-versions.js';
import type { MetadataDir } from './metadata-tree.js';

/** A response body ready to send: built once per instance revision, reused for every request. */
export interface PreparedBody {
  /** Text as a string, raw bytes as a Buffer (metadata-tree.ts says why). */
  readonly body: string | Buffer;
  readonly contentType: string;
}

/** Everything the metadata server precomputes for one instance. Rebuilt when the store's revision moves. */
export interface InstanceView {
  readonly instance: InstanceRecord;
  /** The store revision this view was built at: an answer derived from it is valid while revision() equals it. */
  readonly revision: number;
  /**
   * Until when (epoch ms) answers derived from this view stay right: the instance's next cloud event
   * boundary (a notice appearing, an action time, a window's end); Infinity when none is ahead.
   */
  readonly validUntil: number;
  /** The EC2 tree of one version, built on first use; with `cloudEvents`, EC2's own event paths too. */
  ec2Tree(version: Ec2Version, cloudEvents: boolean): MetadataDir;
  /** Answers already resolved, by request path (a bounded memo: the hot path is one Map lookup). */
  readonly answers: Map<string, PreparedBody>;
}

/** Per-view memo bound: paths alias (encodings, slashes), so the memo must not grow with what guests send. */
const MAX_ANSWERS_PER_VIEW = 512;
/** Bound on remembered source addresses, including unknown ones (which cost a store query otherwise). */
const MAX_SOURCES = 4096;

export interface ViewContext {
  accountId: string;
  /** Served under `iam/` to instances whose record has no role; null: those instances have no `iam/`. */
  defaultIamRole: IamRole | null;
  /** The clock; read only for instances with cloud events ahead (their views expire at the next boundary). */
  now: () => number;
}

/**
 * Source address → InstanceView, cached until `instances.revision()` changes (or, for an instance with
 * cloud events ahead, until its next boundary), so a request costs one revision() call and one Map
 * lookup instead of a store query and a tree build.
 */
export class InstanceViews {
  private readonly store: InstanceStore;
  private readonly ctx: ViewContext;
  private readonly bySource = new Map<string, InstanceView | null>();
  private revision = -1;

  constructor(store: InstanceStore, ctx: ViewContext) {
    this.store = store;
    this.ctx = ctx;
  }

  /**
   * The view of the instance that owns `ip`, or null when no instance has that address. An IPv6 source
   * is a guest's own SLAAC or link-local address (src/core/ipv6.ts): its EUI-64 interface id names the
   * instance's MAC (anti-spoofing keeps a guest to its own two addresses).
   */
  forSource(ip: string): InstanceView | null {
    const rev = this.store.revision();
    if (rev !== this.revision) {
      this.bySource.clear();
      this.revision = rev;
    }
    const cached = this.bySource.get(ip);
    if (cached !== undefined && (cached === null || cached.validUntil === Infinity || cached.validUntil > this.ctx.now())) return cached;
    const instance = ip.includes(':') ? this.instanceByIpv6(ip) : this.store.getInstanceByIp(ip);
    const view = instance === undefined ? null : createView(instance, this.ctx, rev, instance.cloudEvents.length === 0 ? 0 : this.ctx.now());
    if (this.bySource.size >= MAX_SOURCES) this.bySource.clear();
    this.bySource.set(ip, view);
    return view;
  }

  /** A scan, but once per source and store revision (the result is cached like any other). */
  private instanceByIpv6(ip: string): InstanceRecord | undefined {
    const mac = guestMacOfIpv6Source(ip);
    return mac === null ? undefined : this.store.listInstances().find((i) => i.mac.toLowerCase() === mac);
  }
}

/** `now`: the moment the view stands for (0 when the instance has no cloud events: nothing in it depends on time). */
function createView(instance: InstanceRecord, ctx: ViewContext, revision: number, now: number): InstanceView {
  const iamRole = instance.iamRole ?? ctx.defaultIamRole;
  const trees = new Map<string, MetadataDir>();
  return {
    instance,
    revision,
    validUntil: nextBoundary(instance.cloudEvents, now),
    ec2Tree(version, cloudEvents) {
      const key = cloudEvents ? `${version}+events` : version;
      let tree = trees.get(key);
      if (tree === undefined) {
        const treeCtx: Ec2TreeContext = { accountId: ctx.accountId, iamRole, cloudEventsAt: cloudEvents ? now : null };
        tree = buildEc2VersionTree(instance, version, treeCtx);
        trees.set(key, tree);
      }
      return tree;
    },
    answers: new Map(),
  };
}

/** Remembers an answer unless the memo is full (then the path is simply resolved again next time). */
export function rememberAnswer(view: InstanceView, key: string, answer: PreparedBody): void {
  if (view.answers.size < MAX_ANSWERS_PER_VIEW) view.answers.set(key, answer);
}
