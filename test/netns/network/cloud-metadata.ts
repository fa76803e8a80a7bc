import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkHost } from '../../../src/ports/network.js';
import { describeRequests, startMetadataServe, type LoggedRequest, type MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import type { TestNetns } from '../../helpers/netns.js';
import type { VethGuest } from './veth-guest.js';

/** The path every guest asks here: its answer is the instance-id the server matched to the source address. */
const INSTANCE_ID_PATH = '/latest/meta-data/instance-id';

/**
 * The instances file of `minicloud metadata serve` for the plane's hosts (docs/configuration.md): the
 * server identifies a guest only by the TCP source address, so each entry's `ip` is the address dnsmasq
 * reserves for that host's MAC. JSON is valid YAML 1.2.
 */
function buildInstancesFile(hosts: readonly NetworkHost[]): string {
  const instances = hosts.map((h) => ({ ip: h.ip, id: h.instanceId, mac: h.mac, hostname: h.hostname }));
  return `${JSON.stringify({ instances }, null, 2)}\n`;
}

/**
 * Starts the real metadata server (the built `minicloud metadata serve`) inside the cloud's namespace on
 * gateway:port, where the plane's DNAT rule sends 169.254.169.254:80. `dir` receives the instances file
 * and the server's state directory (its SQLite request log); the process ends with the namespace.
 */
export async function startCloudMetadata(
  ns: TestNetns,
  opts: { gateway: string; port: number; hosts: readonly NetworkHost[]; dir: string },
): Promise<MetadataServeProcess> {
  await mkdir(opts.dir, { recursive: true });
  const instancesFile = join(opts.dir, 'instances.json');
  await writeFile(instancesFile, buildInstancesFile(opts.hosts));
  return startMetadataServe(ns, { listen: `${opts.gateway}:${opts.port}`, instancesFile, stateDir: join(opts.dir, 'state') });
}

/** What one guest's GET of `path` brought back, and every request the server logged meanwhile. */
export interface MetadataExchange {
  /** "<status> <body>", or null when nothing came back in time (VethGuest.fetchMetadata). */
  answer: string | null;
  logged: LoggedRequest[];
  /** The logged requests, one per line, for assertion messages. */
  describe: string;
}

export async function fetchAndLog(
  guest: VethGuest,
  server: MetadataServeProcess,
  opts: { path?: string; timeoutMs?: number; base?: string } = {},
): Promise<MetadataExchange> {
  const mark = await server.mark();
  const answer = await guest.fetchUrl(`${opts.base ?? 'http://169.254.169.254'}${opts.path ?? INSTANCE_ID_PATH}`, opts.timeoutMs);
  const logged = await server.requestsAfter(mark);
  return { answer, logged, describe: `${describeRequests(logged)}\n${server.output()}` };
}

/** The one request a guest made, as the server must have seen it: from the guest's own address, matched to its instance. */
export function expectedLogRow(host: NetworkHost, path = INSTANCE_ID_PATH): Partial<LoggedRequest> {
  return { sourceIp: host.ip, instanceId: host.instanceId, method: 'GET', path, status: 200 };
}
