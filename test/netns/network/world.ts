import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import { TestNetns } from '../../helpers/netns.js';
import { NetnsPlaneClient } from './plane-client.js';
import { startStubMetadataServer, VethGuest } from './veth-guest.js';

/** One cloud in its own namespace: the plane's driver, a stub metadata server and veth guests. */
export class CloudWorld {
  readonly ns: TestNetns;
  readonly tmp: string;
  plane: NetnsPlaneClient;
  config: NetworkConfig | null = null;
  readonly guests: VethGuest[] = [];
  private server: ChildProcess | null = null;

  private constructor(ns: TestNetns, tmp: string) {
    this.ns = ns;
    this.tmp = tmp;
    this.plane = NetnsPlaneClient.start(ns);
  }

  static async create(): Promise<CloudWorld> {
    return new CloudWorld(await TestNetns.create('mcnet'), await mkdtemp('/tmp/mcnet-state-'));
  }

  /** Brings the plane up with an auto-chosen subnet, starts the stub server, creates and registers the guests. */
  async up(cloudId: string, hosts: NetworkHost[]): Promise<NetworkConfig> {
    const { subnet, gateway } = await this.plane.chooseSubnet('minicloud0');
    const config = { cloudId, bridge: 'minicloud0', subnet, gateway, metadataPort: 8775, egress: false, domain: `${cloudId}.internal`, stateDir: join(this.tmp, 'network') };
    this.config = config;
    await this.plane.ensureUp(config);
    this.server = await startStubMetadataServer(this.ns, gateway, 8775, Object.fromEntries(hosts.map((h) => [h.ip, h.instanceId])));
    for (const h of hosts) this.guests.push(await VethGuest.create(this.ns, h.tapName as string, h.mac));
    await this.plane.setHosts(hosts);
    return config;
  }

  /** A new driver process, as after a controller restart. */
  restartDriver(): NetnsPlaneClient {
    this.plane = NetnsPlaneClient.start(this.ns);
    return this.plane;
  }

  async destroy(): Promise<void> {
    await this.plane.kill();
    this.server?.kill();
    for (const g of this.guests) await g.destroy();
    await this.ns.destroy();
    await rm(this.tmp, { recursive: true, force: true });
  }
}
