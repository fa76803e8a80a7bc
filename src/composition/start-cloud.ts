import { CLOUD_DHCP_PROFILES, CLOUD_METADATA, CLOUD_NAMES, CLOUD_NETWORK_NEEDS } from '../clouds/registry.js';
import { randomBytes, randomInt } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApiApp } from '../api/api-app.js';
import { ApiClient } from '../api/api-client.js';
import type { CloudStatus } from '../api/api-schemas.js';
import { chooseCloudSubnet, LinuxNetworkPlane } from '../adapters/network/linux/linux-network-plane.js';
import { cloudIpv6Of } from '../adapters/network/linux/ipv6-config.js';
import { hostHasIpv6 } from '../adapters/network/linux/ipv6-plane.js';
import { openSqliteStore } from '../adapters/store/sqlite/open-sqlite-store.js';
import { imagesDir, type Env, type UpFlags } from '../config/minicloud-config.js';
import { declaredLaunchesChecked, readCloudInputs } from './cloud-inputs.js';
import { UndoStack } from './undo-stack.js';
import { stopPrivateLibvirtd } from '../adapters/hypervisor/libvirt/private-libvirtd.js';
import { errors, isMinicloudError, type MinicloudError } from '../errors/catalogue.js';
import { EventBus } from '../events/event-bus.js';
import { detectAccelerator, quickAcceleratorVerdict, readHostCpuFacts, type AcceleratorVerdict } from '../adapters/hypervisor/qemu/accelerator.js';
import { writeConfigDrive } from '../adapters/hypervisor/config-drive-iso.js';
import { writeProvisioningMedia } from '../adapters/hypervisor/provisioning-media-iso.js';
import { procStrayGuestFinder } from '../adapters/hypervisor/stray-guests.js';
import { openHypervisor } from './open-hypervisor.js';
import { derivedHex } from '../core/derived-ids.js';
import { FaultBook } from '../core/fault-book.js';
import { MAX_SEED } from '../core/seeded-random.js';
import { buildMetadataApp } from '../metadata/build-metadata-app.js';
import { listenAlso } from '../metadata/listen-also.js';
import { systemClock } from '../ports/clock.js';
import type { Accelerator } from '../domain/controller-instance.js';
import type { NetworkConfig } from '../ports/network.js';
import { Controller } from '../controller/controller.js';
import { OpenSshProbe } from '../controller/ssh-probe.js';
import { SqliteControllerStore } from '../adapters/store/sqlite/sqlite-controller-store.js';

const execFileAsync = promisify(execFile);

export interface StartCloudOptions {
  env: Env;
  /** The netns this process runs in (`up --netns`), reported to clients for ssh; null for the host's. */
  netns: string | null;
  configPath?: string;
  /** Flags over minicloud.yaml (cloudSettings). */
  flags?: UpFlags;
}

export interface RunningCloud {
  controller: Controller;
  bus: EventBus;
  status(): CloudStatus;
  /**
   * `down`: guests, network, servers, socket; then resolves. Idempotent; never rejects: what could not be
   * undone is published as an error notice and kept in shutdownError().
   */
  shutdown(): Promise<void>;
  /** Resolves once the cloud has shut down (by `shutdown()` or an API `down`). */
  done: Promise<void>;
  /** MC_ERR_DOWN_INCOMPLETE when the shutdown left something behind; null otherwise (or before it ran). */
  shutdownError(): MinicloudError | null;
}

/** Creates the cloud's ssh keypair once (ed25519, no passphrase; it only ever opens test guests). */
async function ensureKeypair(keyPath: string): Promise<string> {
  if (!existsSync(keyPath)) {
    await mkdir(dirname(keyPath), { recursive: true, mode: 0o700 });
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'minicloud', '-f', keyPath]);
  }
  return (await readFile(`${keyPath}.pub`, 'utf8')).trim();
}

async function refuseIfRunning(socketPath: string): Promise<void> {
  if (!existsSync(socketPath)) return;
  try {
    await new ApiClient(socketPath).status();
  } catch (err) {
    if (isMinicloudError(err) && err.code === errors.controllerNotRunning.code) {
      await rm(socketPath, { force: true }); // stale socket of a controller that died: recover silently
      return;
    }
    throw err;
  }
  throw errors.controllerAlreadyRunning(socketPath);
}

async function chooseAccelerator(forced: Accelerator | undefined, kernelPath: string | null): Promise<AcceleratorVerdict> {
  if (forced) return { accelerator: forced, reason: 'forced with --accelerator' };
  const quick = quickAcceleratorVerdict(await readHostCpuFacts());
  if (quick) return quick;
  if (!kernelPath) return { accelerator: 'tcg', reason: 'no test kernel to probe KVM with (run `make images`)' };
  return detectAccelerator({ kernelPath });
}

function listen(app: FastifyInstance, opts: { host: string; port: number } | { path: string }): Promise<string> {
  return app.listen(opts).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw errors.portInUse('host' in opts ? `${opts.host}:${opts.port}` : opts.path).causedBy(err);
    throw err;
  });
}

/**
 * `minicloud up` without the terminal: the composition root. Opens the state, brings up the network
 * plane and the metadata server, starts the controller (which re-adopts running guests) and serves
 * the API on $MINICLOUD_HOME/controller.sock. Everything it starts it also stops, in reverse order.
 */
export async function startCloud(opts: StartCloudOptions): Promise<RunningCloud> {
  if (process.getuid?.() !== 0) throw errors.needsRoot('minicloud up');
  // Flags, minicloud.yaml and the files it names are checked before anything is created.
  const inputs = readCloudInputs({ env: opts.env, ...(opts.configPath !== undefined ? { configPath: opts.configPath } : {}), ...(opts.flags ? { flags: opts.flags } : {}) });
  const { layout, settings, resolveImage } = inputs;
  const { cloudId, bridge } = settings;
  await mkdir(layout.home, { recursive: true, mode: 0o700 });
  await refuseIfRunning(layout.socketPath);
  const images = imagesDir(opts.env);
  const publicKey = await ensureKeypair(layout.sshKeyPath);
  const probeKernel = join(images, 'minicirros', 'vmlinuz');
  const verdict = await chooseAccelerator(settings.accelerator, existsSync(probeKernel) ? probeKernel : null);
  const { subnet, gateway } = await chooseCloudSubnet(bridge, settings.subnet);

  const bus = new EventBus();
  // From here on, each part registers its undo step before it may exist: a failure anywhere removes
  // what was made so far, in reverse order (state.db and the ssh keypair are the cloud's and stay).
  const undo = new UndoStack();
  try {
    const store = openSqliteStore({ path: layout.databasePath, requestLog: { onFlushError: (err) => bus.publish({ type: 'notice', at: Date.now(), level: 'error', message: `request log: ${String(err)}` }) } });
    undo.push(() => store.close());
    const rows = new SqliteControllerStore(layout.databasePath);
    undo.push(() => rows.close());
    const declared = declaredLaunchesChecked(inputs, new Set(store.instances.listInstances().map((r) => r.name)));

    const ipv6 = await hostHasIpv6();
    if (!ipv6) bus.publish({ type: 'notice', at: Date.now(), level: 'warn', message: 'IPv6 is disabled in this network namespace: the clouds\' IPv6 metadata endpoints are not served (IPv4 works as usual)' });
    const network = new LinuxNetworkPlane({ publish: (e) => bus.publish(e), clock: systemClock });
    const networkConfig: NetworkConfig = {
      cloudId, bridge, subnet, gateway,
      metadataPort: settings.metadataPort,
      egress: settings.egress,
      domain: 'minicloud',
      stateDir: layout.networkDir,
      extraMetadataPorts: CLOUD_NETWORK_NEEDS.metadataPorts,
      metadataNames: CLOUD_NETWORK_NEEDS.metadataNames,
      extraEndpoints: CLOUD_NETWORK_NEEDS.extraEndpoints,
      gatewayPorts: CLOUD_NETWORK_NEEDS.gatewayPorts,
      gatewayNames: CLOUD_NETWORK_NEEDS.gatewayNames,
      dhcpProfiles: CLOUD_DHCP_PROFILES,
      endpoints6: ipv6 ? CLOUD_NETWORK_NEEDS.endpoints6 : [],
    };
    undo.push(() => network.teardown());
    await network.ensureUp(networkConfig);

    // A private libvirtd may be running before openHypervisor fails or falls back to qemu: stop it then too.
    const libvirtRoot = join(layout.home, 'libvirt');
    if (settings.driver !== 'qemu' && settings.libvirtUri === null) undo.push(() => stopPrivateLibvirtd(libvirtRoot));
    // The controller runs inside the cloud's netns already (`up --netns` re-execs), so the drivers need not enter it.
    const opened = await openHypervisor({
      driver: settings.driver,
      cloudId,
      stateDir: layout.home,
      netns: null,
      libvirtUri: settings.libvirtUri,
      attachTap: (tap) => network.attachTap(tap),
    });
    const { hypervisor } = opened;
    undo.push(() => opened.shutdown());
    if (opened.notice) bus.publish({ type: 'notice', at: Date.now(), level: 'info', message: opened.notice });

    // One Nova project id for the metadata server and the config drives, so both show the same document.
    const projectId = derivedHex(`project:${cloudId}`, 32);
    // Fault rules live as long as this controller: minicloud.yaml's are added again at every `up`, those
    // `fault add` adds are gone after a restart (docs/faults.md).
    const faults = new FaultBook({ now: () => Date.now(), seed: () => randomInt(MAX_SEED), clouds: CLOUD_NAMES, publish: (e) => bus.publish(e) });
    faults.addAll(inputs.config.faults ?? [], (i) => `minicloud.yaml: faults[${i}]`);
    const metadata = buildMetadataApp({ instances: store.instances, requestLog: store.requestLog, bus, clock: systemClock, tokenSecret: store.cloud.tokenSecret(), iamDefaults: { projectId }, clouds: CLOUD_METADATA, faults });
    undo.push(() => metadata.close());
    await listen(metadata, { host: gateway, port: networkConfig.metadataPort });
    // The clouds' IPv6 endpoints are DNATed to the bridge's IPv6 gateway (DNAT cannot cross families):
    // the same app answers there too (docs/networking.md, "IPv6").
    const cloud6 = cloudIpv6Of(networkConfig);
    if (cloud6 !== null) {
      await listenAlso(metadata, { host: cloud6.gateway, port: networkConfig.metadataPort }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw errors.portInUse(`[${cloud6.gateway}]:${networkConfig.metadataPort}`).causedBy(err);
        throw err;
      });
    }

    const sshProbe = new OpenSshProbe(layout.sshKeyPath);
    undo.push(() => sshProbe.close());
    const controller = new Controller({
      cloudId, hypervisor, network, networkConfig,
      instances: store.instances, controllerStore: rows, requestLog: store.requestLog,
      bus, clock: systemClock, random: randomBytes,
      paths: { instancesDir: layout.instancesDir },
      accelerator: verdict.accelerator,
      sshProbe,
      strayGuests: procStrayGuestFinder,
      resolveImage,
      defaults: settings.defaults,
      cloudKey: { name: 'minicloud', key: publicKey },
      writeConfigDrive: (record, isoPath) => writeConfigDrive(record, isoPath, { projectId }),
      writeProvisioningMedia,
    });
    if (verdict.accelerator === 'tcg') bus.publish({ type: 'notice', at: Date.now(), level: 'warn', message: `using TCG (software emulation, slower boots; timeouts scaled x3): ${verdict.reason}` });
    // The controller's start boots recorded guests: undoing it powers them off and undefines them, as `down` does.
    let controllerDown: Promise<void> | null = null;
    const shutdownController = (): Promise<void> => (controllerDown ??= controller.shutdown());
    undo.push(shutdownController);
    await controller.start();
    for (const launch of declared) controller.launch(launch);

    const startedAt = Date.now();
    const status = (): CloudStatus => ({
      cloudId, pid: process.pid, startedAt, accelerator: verdict.accelerator, hypervisor: hypervisor.kind,
      netns: opts.netns, bridge, subnet, gateway, metadataAddress: `${gateway}:${networkConfig.metadataPort}`,
      sshKeyPath: layout.sshKeyPath, home: layout.home, instances: controller.list().length, defaultTimeoutMs: settings.defaults.timeoutMs,
    });

    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let shuttingDown: Promise<void> | null = null;
    let shutdownError: MinicloudError | null = null;
    const shutdown = (): Promise<void> =>
      (shuttingDown ??= (async () => {
        bus.publish({ type: 'cloud.status', at: Date.now(), status: 'stopping' });
        const failures: unknown[] = [];
        try {
          await shutdownController().catch((err: unknown) => failures.push(err));
          bus.publish({ type: 'cloud.status', at: Date.now(), status: 'down' });
          failures.push(...(await undo.run()));
          if (failures.length > 0) {
            shutdownError = errors.downIncomplete(failures.map(describeError).join('; ')).causedBy(new AggregateError(failures));
            bus.publish({ type: 'notice', at: Date.now(), level: 'error', message: shutdownError.message, code: shutdownError.code });
          }
        } finally {
          resolveDone();
        }
      })());

    const api = buildApiApp({ controller, bus, faults, status, onShutdown: () => void shutdown() });
    await listen(api, { path: layout.socketPath });
    // The socket goes last: `down` waits for it to disappear.
    undo.pushLast(async () => {
      await api.close();
      await rm(layout.pidPath, { force: true });
      await rm(layout.socketPath, { force: true });
    });
    await chmod(layout.socketPath, 0o600);
    await writeFile(layout.pidPath, `${process.pid}\n`);
    bus.publish({ type: 'cloud.status', at: Date.now(), status: 'up', detail: `${cloudId}: ${subnet} on ${bridge}, metadata at ${gateway}:${networkConfig.metadataPort}, ${hypervisor.kind} driver, ${verdict.accelerator}` });
    return { controller, bus, status, shutdown, done, shutdownError: () => shutdownError };
  } catch (err) {
    const failures = await undo.run();
    if (failures.length === 0) throw err;
    throw errors.upUndoIncomplete(describeError(err), failures.map(describeError).join('; ')).causedBy(err);
  }
}

/** One line for an error in a joined message: a coded error keeps its code. */
function describeError(err: unknown): string {
  if (isMinicloudError(err)) return `${err.message} [${err.code}]`;
  return err instanceof Error ? err.message : String(err);
}
