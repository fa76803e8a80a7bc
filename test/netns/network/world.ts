import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkConfig, NetworkHost } from '../../../src/ports/network.js';
import type { MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import { TestNetns } from '../../helpers/netns.js';
import { cleanUpAll } from './clean-up.js';
import { startCloudMetadata } from './cloud-metadata.js';
import { NetnsPlaneClient } from './plane-client.js';
import { VethGuest } from './veth-guest.js';

/** One cloud in its own namespace: the plane's driver, the real metadata server and veth guests. */
export class CloudWorld {
  readonly ns: TestNetns;
  readonly tmp: string;
  plane: NetnsPlaneClient;
  config: NetworkConfig | null = null;
  readonly guests: VethGuest[] = [];
  private server: MetadataServeProcess | null = null;

  private constructor(ns: TestNetns, tmp: string) {
    this.ns = ns;
    this.tmp = tmp;
    this.plane = NetnsPlaneClient.start(ns);
  }

  static async create(): Promise<CloudWorld> {
    return new CloudWorld(await TestNetns.create('mcnet'), await mkdtemp('/tmp/mcnet-state-'));
  }

  /** Brings the plane up with an auto-chosen subnet (and the clouds' `needs`), starts the metadata server for `hosts`, creates and registers the guests. */
  async up(cloudId: string, hosts: NetworkHost[], needs: Partial<NetworkConfig> = {}): Promise<NetworkConfig> {
    const { subnet, gateway } = await this.plane.chooseSubnet('minicloud0');
    const config = { cloudId, bridge: 'minicloud0', subnet, gateway, metadataPort: 8775, egress: false, domain: `${cloudId}.internal`, stateDir: join(this.tmp, 'network'), ...needs };
    this.config = config;
    await this.plane.ensureUp(config);
    this.server = await startCloudMetadata(this.ns, { gateway, port: 8775, hosts, dir: join(this.tmp, 'metadata') });
    for (const h of hosts) this.guests.push(await VethGuest.create(this.ns, h.tapName as string, h.mac));
    await this.plane.setHosts(hosts);
    return config;
  }

  /** The metadata server `up` started (its request log is what the tests read). */
  get metadata(): MetadataServeProcess {
    if (this.server === null) throw new Error('CloudWorld.up has not started the metadata server');
    return this.server;
  }

  /** A new driver process, as after a controller restart. */
  restartDriver(): NetnsPlaneClient {
    this.plane = NetnsPlaneClient.start(this.ns);
    return this.plane;
  }

  /** Removes everything, running every step even when an earlier one fails; the namespace ends the server. */
  async destroy(): Promise<void> {
    await cleanUpAll(`cloud world ${this.ns.name}`, [
      () => this.plane.kill(),
      () => this.server?.close(),
      ...this.guests.map((g) => () => g.destroy()),
      () => this.ns.destroy(),
      () => rm(this.tmp, { recursive: true, force: true }),
    ]);
  }
}
