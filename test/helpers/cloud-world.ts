import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import { cloudNamed } from '../../src/clouds/registry.js';
import type { SmbiosIdentity } from '../../src/ports/hypervisor.js';
import { runCloudInitDatasource, type CloudInitClient, type CloudInitResult, type DatasourceRun } from './cloud-init-client.js';
import { describeRequests, startMetadataServe, type LoggedRequest, type MetadataServeProcess } from './metadata-serve-process.js';
import { TestNetns } from './netns.js';

/** The link-local address the metadata clients of most clouds hard-code. */
export const METADATA_ADDRESS = '169.254.169.254';

/**
 * The world's gateway and DHCP server (CloudStack's virtual router): the first address of the
 * instance's /24, as minicloud's bridge address is for its guests.
 */
export const GATEWAY_ADDRESS = '169.254.169.1';

/**
 * One guest of a real-client test, as an instances-file entry (docs/configuration.md) plus what the
 * clients must read back. Its address is the metadata address itself (see CloudWorld).
 */
export interface CloudTestInstance {
  datasource: string;
  id: string;
  uuid: string;
  name: string;
  hostname: string;
  mac: string;
  /** OpenSSH public key lines, in order. */
  publicKeys: string[];
  /** User-data exactly as the guest must read it back. */
  userData: string;
  /** More instances-file fields (availabilityZone, meta, imdsv2…). */
  extra?: Record<string, unknown>;
}

/** A guest of `datasource` with the values every cloud's test reads back; `over` changes any of them. */
export function cloudTestInstance(datasource: string, over: Partial<CloudTestInstance> = {}): CloudTestInstance {
  return {
    datasource,
    id: 'i-0c10d0e1f2a3b4c5d',
    uuid: '3c1a2b4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    name: `${datasource}-guest`,
    hostname: `${datasource}-guest`,
    mac: '52:54:00:c1:0d:01',
    publicKeys: [
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMiniCloudTestKeyOneForEveryCloudsClient one@minicloud',
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDminicloudsecondtestkey two@minicloud',
    ],
    // Bytes a lossy path would change: a shebang, a tab, a trailing space, non-ASCII.
    userData: '#cloud-config\n# minicloud: user-data byte for byte\truns: yes \nruncmd:\n  - echo "ünïcødé"\n',
    ...over,
  };
}

/**
 * A namespace where a real client sees one cloud as its guest would: `minicloud metadata serve` listens
 * on 169.254.169.254:80 (on `lo`), the cloud's other metadata ports are DNATed to it as minicloud's
 * bridge does (iptables nat OUTPUT, since the client is local), and its metadata names resolve to
 * 169.254.169.254 (an /etc/netns/<ns>/hosts that `ip netns exec` mounts, standing in for the cloud's
 * dnsmasq, which the vm tier exercises); its other IPv4 endpoints are DNATed to it likewise. A client there connects FROM 169.254.169.254 (the only address
 * on lo besides 127.0.0.1), so that is the instance's ip.
 */
export interface CloudWorld {
  ns: TestNetns;
  server: MetadataServeProcess;
  instance: CloudTestInstance;
  /** A scratch directory for clients. */
  scratch: string;
  destroy(): Promise<void>;
}

async function createCloudWorld(prefix: string, instance: CloudTestInstance, opts: CloudWorldOptions): Promise<CloudWorld> {
  const cloud = cloudNamed(instance.datasource);
  const tmp = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let ns: TestNetns | undefined;
  let server: MetadataServeProcess | undefined;
  let etcDir: string | undefined;
  const destroy = async (): Promise<void> => {
    const failures: unknown[] = [];
    try {
      server?.close();
    } catch (err) {
      failures.push(err);
    }
    await ns?.destroy().catch((err: unknown) => failures.push(err));
    if (etcDir) rmSync(etcDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, `${prefix}: cleanup failed`);
  };
  try {
    ns = await TestNetns.create(prefix);
    // Before any process runs in the namespace: `ip netns exec` mounts these over /etc/hosts and
    // /etc/resolv.conf. The nameserver is one nothing answers at once (no 5 s resolver timeouts).
    etcDir = join('/etc/netns', ns.name);
    mkdirSync(etcDir, { recursive: true });
    const gatewayNames = opts.gatewayNames === false ? [] : cloud.network.gatewayNames.map((n) => `${GATEWAY_ADDRESS} ${n}`);
    writeFileSync(join(etcDir, 'hosts'), ['127.0.0.1 localhost', ...cloud.network.metadataNames.map((n) => `${METADATA_ADDRESS} ${n}`), ...gatewayNames, ''].join('\n'));
    writeFileSync(join(etcDir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
    await ns.run('ip', ['addr', 'add', `${METADATA_ADDRESS}/32`, 'dev', 'lo']);
    for (const port of cloud.network.metadataPorts) {
      await ns.run('iptables', ['-t', 'nat', '-A', 'OUTPUT', '-d', `${METADATA_ADDRESS}/32`, '-p', 'tcp', '--dport', String(port), '-j', 'DNAT', '--to-destination', `${METADATA_ADDRESS}:80`]);
    }
    // The cloud's other IPv4 endpoints (Scaleway's 169.254.42.42), DNATed to the server as the bridge
    // does; routed out of lo from 169.254.169.254, so the server still sees the instance's address (and
    // the client's own source port).
    for (const { address, ports } of cloud.network.extraEndpoints) {
      await ns.run('ip', ['route', 'add', `${address}/32`, 'dev', 'lo', 'src', METADATA_ADDRESS]);
      for (const port of ports) {
        await ns.run('iptables', ['-t', 'nat', '-A', 'OUTPUT', '-d', `${address}/32`, '-p', 'tcp', '--dport', String(port), '-j', 'DNAT', '--to-destination', `${METADATA_ADDRESS}:80`]);
      }
    }
    // The gateway's ports (CloudStack's 80 and 8080), DNATed to the server as the bridge DNATs its own
    // address's; routed out of lo from 169.254.169.254, so the server sees the instance's address.
    if (cloud.network.gatewayPorts.length > 0) await ns.run('ip', ['route', 'add', `${GATEWAY_ADDRESS}/32`, 'dev', 'lo', 'src', METADATA_ADDRESS]);
    for (const port of cloud.network.gatewayPorts) {
      await ns.run('iptables', ['-t', 'nat', '-A', 'OUTPUT', '-d', `${GATEWAY_ADDRESS}/32`, '-p', 'tcp', '--dport', String(port), '-j', 'DNAT', '--to-destination', `${METADATA_ADDRESS}:80`]);
    }
    const instancesFile = join(tmp, 'instances.yaml');
    writeFileSync(instancesFile, stringify({ instances: [instancesEntry(instance)] }));
    const scratch = join(tmp, 'scratch');
    mkdirSync(scratch);
    let faultsFile: string | undefined;
    if (opts.faults !== undefined) {
      faultsFile = join(tmp, 'faults.yaml');
      writeFileSync(faultsFile, stringify({ faults: opts.faults }));
    }
    server = await startMetadataServe(ns, { listen: `${METADATA_ADDRESS}:80`, instancesFile, stateDir: join(tmp, 'state'), ...(faultsFile ? { faultsFile } : {}) });
    return { ns, server, instance, scratch, destroy };
  } catch (err) {
    await destroy().catch((cleanupErr: unknown) => {
      throw new AggregateError([err, cleanupErr], `${prefix}: setup failed, then cleanup failed`);
    });
    throw err;
  }
}

function instancesEntry(i: CloudTestInstance): Record<string, unknown> {
  return {
    ip: METADATA_ADDRESS,
    id: i.id,
    uuid: i.uuid,
    name: i.name,
    hostname: i.hostname,
    mac: i.mac,
    datasource: i.datasource,
    publicKeys: i.publicKeys.map((key, n) => ({ name: `key-${n}`, key })),
    userData: i.userData,
    ...i.extra,
  };
}

export interface CloudWorldOptions {
  /** Fault rules `metadata serve` starts with (`--faults FILE`, docs/faults.md): the file form's entries. */
  faults?: Record<string, unknown>[];
  /** false: the cloud's gatewayNames do not resolve (a guest then finds the gateway another way). */
  gatewayNames?: boolean;
}

/**
 * Registers beforeAll/afterAll for a describe block: a world serving `instance`, removed afterwards even
 * when a test failed. Returns an accessor for the tests (throws if setup failed).
 */
export function useCloudWorld(prefix: string, instance: CloudTestInstance, opts: CloudWorldOptions = {}): () => CloudWorld {
  let world: CloudWorld | undefined;
  beforeAll(async () => {
    world = await createCloudWorld(prefix, instance, opts);
  });
  afterAll(async () => {
    await world?.destroy();
  });
  return () => {
    if (!world) throw new Error(`${prefix}: the world was not set up (see the beforeAll error)`);
    return world;
  };
}

/** What a real client run against a CloudWorld came back with, and the requests it made. */
export interface ClientOutcome {
  result: CloudInitResult | null;
  requests: LoggedRequest[];
  /** Exit code, requests and the client's log: the message for a failing expectation. */
  context: string;
}

/**
 * Runs cloud-init's real DataSource<run.datasource> (of `client`'s version) against the world. The guest's
 * DMI is the identity minicloud gives an instance of the world's cloud, unless `run.identity` says otherwise.
 */
export async function runCloudInitIn(world: CloudWorld, client: CloudInitClient, run: Omit<DatasourceRun, 'identity'> & { identity?: SmbiosIdentity }): Promise<ClientOutcome> {
  const { instance } = world;
  const identity = run.identity ?? cloudNamed(instance.datasource).identity({ instanceId: instance.id, instanceUuid: instance.uuid });
  const mark = await world.server.mark();
  const workdir = mkdtempSync(join(world.scratch, `${client.version}-${run.datasource}-`));
  const r = await runCloudInitDatasource(world.ns, client, { leaseAddress: METADATA_ADDRESS, ...run, identity }, workdir);
  const requests = await world.server.requestsAfter(mark);
  const context = `cloud-init ${client.version} DataSource${run.className ?? run.datasource} (exit ${r.code})\n--- requests ---\n${describeRequests(requests)}\n--- cloud-init log (tail) ---\n${r.log.slice(-8000)}`;
  return { result: r.result, requests, context };
}

/** The user-data the client read, as text (it arrives base64-encoded from the driver). */
export function userDataOf(result: CloudInitResult | null): string | null {
  return result?.userDataB64 ? Buffer.from(result.userDataB64, 'base64').toString('utf8') : null;
}
