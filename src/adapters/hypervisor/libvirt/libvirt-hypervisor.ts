import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { errors } from '../../../errors/catalogue.js';
import type { GuestObservation, GuestSpec, GuestState, Hypervisor } from '../../../ports/hypervisor.js';
import { checkGuestSpec } from '../check-guest-spec.js';
import { parseGuestTag, domainXml } from './domain-xml.js';
import { guestFiles } from '../guest-files.js';
import { removeGuestFiles } from '../guest-files-cleanup.js';
import { attachConsoleSocket } from '../guest-console.js';
import { cloudNamePrefix, guestName } from '../../../core/guest-name.js';
import { readPidFile } from '../qemu/guest-process.js';
import { ensureOverlay } from '../overlay-disk.js';
import { sameGuestSpec } from '../same-guest-spec.js';

/** The part of @unraid/libvirt's `Hypervisor` this driver uses (domains are opaque native handles). */
export interface LibvirtConnection {
  connectOpen(): Promise<void>;
  connectClose(): Promise<void>;
  connectListAllDomains(): Promise<unknown[]>;
  domainDefineXML(xml: string): Promise<unknown>;
  domainLookupByName(name: string): Promise<unknown>;
  domainCreate(domain: unknown): Promise<void>;
  domainShutdown(domain: unknown): Promise<void>;
  domainDestroy(domain: unknown): Promise<void>;
  domainUndefine(domain: unknown): Promise<void>;
  domainGetInfo(domain: unknown): Promise<{ state: number }>;
  domainGetName(domain: unknown): Promise<string>;
  domainGetXMLDesc(domain: unknown): Promise<string>;
}

export interface LibvirtHypervisorOptions {
  cloudId: string;
  /** Any libvirt URI: `qemu:///system`, `test:///default`, `qemu+unix:///system?socket=…` (private daemon), remote. */
  uri: string;
  /**
   * Where the daemon writes `<domain name>.pid` (local QEMU daemons only), so observations carry the
   * QEMU pid. Default: `/run/libvirt/qemu` for `qemu:///system`, none otherwise.
   */
  pidDir?: string | null;
  qemuImg?: string;
}

/** virDomainState values (libvirt's enum; @unraid/libvirt re-exports it as DomainState). */
const STATE: Record<number, GuestState> = { 0: 'unknown', 1: 'running', 2: 'running', 3: 'paused', 4: 'running', 5: 'shutoff', 6: 'crashed', 7: 'paused' };
const VIR_ERR_NO_DOMAIN = 42;

/**
 * Opens the `libvirt` driver through the @unraid/libvirt N-API bindings (an optional dependency: when it is
 * missing or was not built, this fails with MC_ERR_LIBVIRT_UNAVAILABLE and the caller can fall back to qemu).
 */
export async function openLibvirtHypervisor(opts: LibvirtHypervisorOptions): Promise<LibvirtHypervisor> {
  const bindings = await import('@unraid/libvirt').catch((err: unknown) => {
    throw errors.libvirtUnavailable(`the @unraid/libvirt bindings cannot be loaded (${String(err)})`).causedBy(err);
  });
  const conn = new bindings.Hypervisor({ uri: opts.uri }) as unknown as LibvirtConnection;
  await conn.connectOpen().catch((err: unknown) => {
    throw errors.libvirtFailed(opts.uri, 'connect', libvirtMessage(err)).causedBy(err);
  });
  return new LibvirtHypervisor(conn, opts);
}

/**
 * The `libvirt` driver. Domains are named `mc-<cloud>-<instance>` and carry a `<metadata>` tag with the
 * cloud, instance and the spec they were defined from. The bindings have no lifecycle events, so `list`
 * polls (one list call, one info call per guest; each domain's XML is read once and cached).
 */
export class LibvirtHypervisor implements Hypervisor {
  readonly kind = 'libvirt' as const;
  private readonly conn: LibvirtConnection;
  private readonly opts: LibvirtHypervisorOptions;
  private readonly pidDir: string | null;
  /** name → spec read from the domain's XML (specs of defined domains only change through `define`). */
  private readonly specCache = new Map<string, GuestSpec | null>();

  constructor(conn: LibvirtConnection, opts: LibvirtHypervisorOptions) {
    this.conn = conn;
    this.opts = opts;
    this.pidDir = opts.pidDir !== undefined ? opts.pidDir : opts.uri === 'qemu:///system' ? '/run/libvirt/qemu' : null;
  }

  async define(spec: GuestSpec): Promise<void> {
    checkGuestSpec(spec);
    if (spec.cloudId !== this.opts.cloudId) throw errors.guestSpecInvalid(spec.instanceId, `belongs to cloud ${spec.cloudId}, not ${this.opts.cloudId}`);
    const existing = await this.lookup(spec.name);
    if (existing) {
      const old = await this.specOf(spec.name, existing);
      if (old && sameGuestSpec(old, spec)) {
        await ensureOverlay(spec.disk, this.opts.qemuImg);
        return;
      }
      if (STATE[(await this.call('get info', () => this.conn.domainGetInfo(existing))).state] === 'running') {
        throw errors.guestSpecInvalid(spec.instanceId, 'is running with a different spec; stop it before redefining');
      }
    }
    await mkdir(spec.runDir, { recursive: true });
    await ensureOverlay(spec.disk, this.opts.qemuImg);
    await this.call(`define ${spec.name}`, () => this.conn.domainDefineXML(domainXml(spec)));
    this.specCache.set(spec.name, spec);
  }

  async start(instanceId: string): Promise<void> {
    const name = guestName(this.opts.cloudId, instanceId);
    const domain = await this.lookup(name);
    if (!domain) throw errors.guestUnknown(instanceId);
    if ((await this.state(domain)) === 'running') return;
    await this.conn.domainCreate(domain).catch((err: unknown) => {
      throw errors.guestStartFailed(instanceId, libvirtMessage(err)).causedBy(err);
    });
  }

  async stop(instanceId: string, opts: { timeoutMs: number }): Promise<void> {
    const domain = await this.lookup(guestName(this.opts.cloudId, instanceId));
    if (!domain || (await this.state(domain)) === 'shutoff') return;
    const shutdownSent = await this.conn.domainShutdown(domain).then(
      () => true,
      // The guest may have powered off between the check and the call; the forced path covers the rest.
      () => false,
    );
    const deadline = Date.now() + opts.timeoutMs;
    while (shutdownSent && Date.now() < deadline) {
      if ((await this.state(domain)) === 'shutoff') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.destroyDomain(domain);
  }

  async destroy(instanceId: string): Promise<void> {
    const domain = await this.lookup(guestName(this.opts.cloudId, instanceId));
    if (domain) await this.destroyDomain(domain);
  }

  async undefine(instanceId: string): Promise<void> {
    const name = guestName(this.opts.cloudId, instanceId);
    const domain = await this.lookup(name);
    if (!domain) return;
    const spec = await this.specOf(name, domain);
    await this.destroyDomain(domain);
    await this.call(`undefine ${name}`, () => this.conn.domainUndefine(domain));
    this.specCache.delete(name);
    if (spec) await removeGuestFiles(spec);
  }

  async list(): Promise<GuestObservation[]> {
    const prefix = cloudNamePrefix(this.opts.cloudId);
    const domains = await this.call('list domains', () => this.conn.connectListAllDomains());
    const named = await Promise.all(
      domains.map(async (d) => ({
        domain: d,
        // A domain undefined between the list call and this one has no name any more: it is simply gone.
        name: await this.conn.domainGetName(d).catch(() => null),
      })),
    );
    const ours = named.filter((d): d is { domain: unknown; name: string } => d.name !== null && d.name.startsWith(prefix));
    const observations = await Promise.all(
      ours.map(async ({ domain, name }): Promise<GuestObservation | null> => {
        const spec = await this.specOf(name, domain);
        if (!spec || spec.cloudId !== this.opts.cloudId) return null;
        const state = await this.state(domain);
        const pid = state === 'running' && this.pidDir ? await readPidFile(join(this.pidDir, `${name}.pid`)) : null;
        return { cloudId: spec.cloudId, instanceId: spec.instanceId, name, state, pid, accelerator: state === 'running' ? spec.accelerator : null };
      }),
    );
    const live = new Set(ours.map((d) => d.name));
    for (const name of this.specCache.keys()) if (!live.has(name)) this.specCache.delete(name);
    return observations.filter((o): o is GuestObservation => o !== null);
  }

  async attachConsole(instanceId: string): Promise<Duplex> {
    const name = guestName(this.opts.cloudId, instanceId);
    const domain = await this.lookup(name);
    if (!domain) throw errors.guestUnknown(instanceId);
    const spec = await this.specOf(name, domain);
    if (!spec || (await this.state(domain)) !== 'running') throw errors.hypervisorUnavailable(`console of ${instanceId}: the guest is not running`);
    return attachConsoleSocket(instanceId, guestFiles(spec.runDir).consoleSocket);
  }

  async close(): Promise<void> {
    await this.call('close', () => this.conn.connectClose());
  }

  /** The domain's native handle, or null when there is no such domain. */
  private async lookup(name: string): Promise<unknown> {
    try {
      return await this.conn.domainLookupByName(name);
    } catch (err) {
      if ((err as { code?: number }).code === VIR_ERR_NO_DOMAIN || /not found|no domain/i.test(libvirtMessage(err))) return null;
      throw errors.libvirtFailed(this.opts.uri, `look up ${name}`, libvirtMessage(err)).causedBy(err);
    }
  }

  private async specOf(name: string, domain: unknown): Promise<GuestSpec | null> {
    if (this.specCache.has(name)) return this.specCache.get(name) ?? null;
    const xml = await this.call(`read XML of ${name}`, () => this.conn.domainGetXMLDesc(domain));
    const spec = parseGuestTag(xml)?.spec ?? null;
    this.specCache.set(name, spec);
    return spec;
  }

  private async state(domain: unknown): Promise<GuestState> {
    const info = await this.call('get info', () => this.conn.domainGetInfo(domain));
    return STATE[info.state] ?? 'unknown';
  }

  private async destroyDomain(domain: unknown): Promise<void> {
    if ((await this.state(domain)) === 'shutoff') return;
    await this.conn.domainDestroy(domain).catch(async (err: unknown) => {
      // Destroying a guest that powered off a moment ago fails with "domain is not running": that is success.
      if ((await this.state(domain)) !== 'shutoff') throw errors.libvirtFailed(this.opts.uri, 'destroy', libvirtMessage(err)).causedBy(err);
    });
  }

  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw errors.libvirtFailed(this.opts.uri, action, libvirtMessage(err)).causedBy(err);
    }
  }
}

function libvirtMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
