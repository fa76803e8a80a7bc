import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { PruneReport } from '../../../src/adapters/network/linux/prune-network.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import type { NetworkConfig, NetworkHost, NetworkObservation, NetworkPlane } from '../../../src/ports/network.js';
import type { TestNetns } from '../../helpers/netns.js';

/** A coded failure reported by the driver, rethrown here with the same code. */
class DriverError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The NetworkPlane of a process running inside `ns` (plane-driver.ts): the real LinuxNetworkPlane,
 * reached over JSON lines. `kill()` ends the driver with SIGKILL, as a crash would.
 */
export class NetnsPlaneClient implements NetworkPlane {
  readonly events: MinicloudEvent[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      process.stderr.write(`[plane-driver] ${c}`);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { id?: number; ok?: boolean; result?: unknown; code?: string; message?: string; event?: MinicloudEvent };
      if (msg.event) return void this.events.push(msg.event);
      const p = this.pending.get(msg.id ?? -1);
      this.pending.delete(msg.id ?? -1);
      if (msg.ok) p?.resolve(msg.result);
      else p?.reject(new DriverError(msg.code ?? 'UNKNOWN', msg.message ?? ''));
    });
    child.once('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`plane driver exited (${code ?? signal}): ${stderr}`));
      this.pending.clear();
    });
  }

  static start(ns: TestNetns): NetnsPlaneClient {
    return new NetnsPlaneClient(ns.spawn('node', ['--import', 'tsx', 'test/netns/network/plane-driver.ts'], { cwd: process.cwd() }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private call<T>(op: string, arg: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin?.write(`${JSON.stringify({ id, op, arg })}\n`);
    });
  }

  chooseSubnet(bridge: string, forced?: string): Promise<{ subnet: string; gateway: string }> {
    return this.call('choose', { bridge, forced });
  }
  ensureUp(config: NetworkConfig): Promise<void> {
    return this.call('up', config);
  }
  setHosts(hosts: NetworkHost[]): Promise<void> {
    return this.call('hosts', hosts);
  }
  attachTap(tap: string): Promise<void> {
    return this.call('attach', { tap });
  }
  observe(): Promise<NetworkObservation> {
    return this.call('observe');
  }
  teardown(): Promise<void> {
    return this.call('down');
  }
  prune(cloudId: string | null, stateDirs: string[]): Promise<PruneReport> {
    return this.call('prune', { cloudId, stateDirs });
  }

  /** Ends the driver: gracefully (stdin closed) or as a crash (SIGKILL; dnsmasq is left orphaned). */
  async kill(how: 'crash' | 'exit' = 'exit'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (how === 'crash') this.child.kill('SIGKILL');
    else this.child.stdin?.end();
    await exited;
  }
}
