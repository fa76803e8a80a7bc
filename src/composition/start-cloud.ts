import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApiApp } from '../api/api-app.js';
import { ApiClient } from '../api/api-client.js';
import type { CloudStatus } from '../api/api-schemas.js';
import { chooseCloudSubnet, LinuxNetworkPlane } from '../adapters/network/linux/linux-network-plane.js';
import { openSqliteStore } from '../adapters/store/sqlite/open-sqlite-store.js';
import { cloudLayout, cloudSettings, imagesDir, loadMinicloudConfig, minicloudHome, type Env, type UpFlags } from '../config/minicloud-config.js';
import { errors, isMinicloudError } from '../errors/catalogue.js';
import { EventBus } from '../events/event-bus.js';
import { detectAccelerator, quickAcceleratorVerdict, readHostCpuFacts, type AcceleratorVerdict } from '../adapters/hypervisor/qemu/accelerator.js';
import { writeConfigDrive } from '../adapters/hypervisor/config-drive-iso.js';
import { procStrayGuestFinder } from '../adapters/hypervisor/stray-guests.js';
import { openHypervisor } from './open-hypervisor.js';
import { derivedHex } from '../core/derived-ids.js';
import { buildMetadataApp } from '../metadata/build-metadata-app.js';
import { systemClock } from '../ports/clock.js';
import type { Accelerator } from '../domain/controller-instance.js';
import type { NetworkConfig } from '../ports/network.js';
import { Controller } from '../controller/controller.js';
import { declaredLaunches } from '../config/declared-instances.js';
import { makeImageResolver } from '../controller/image-resolver.js';
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
  /** `down`: guests, network, servers, socket; then resolves. Idempotent. */
  shutdown(): Promise<void>;
  /** Resolves once the cloud has shut down (by `shutdown()` or an API `down`). */
  done: Promise<void>;
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
  const layout = cloudLayout(minicloudHome(opts.env));
  await mkdir(layout.home, { recursive: true, mode: 0o700 });
  await refuseIfRunning(layout.socketPath);
  const configPath = opts.configPath ?? layout.configPath;
  const config = loadMinicloudConfig(configPath, { optional: opts.configPath === undefined });
  const configDir = dirname(resolve(configPath));
  const settings = cloudSettings(config, opts.flags ?? {}, opts.env, layout.home);
  const { cloudId, bridge } = settings;
  const images = imagesDir(opts.env);
  const resolveImage = makeImageResolver({ imagesDir: images, configured: config.images ?? {}, cwd: configDir });
  const publicKey = await ensureKeypair(layout.sshKeyPath);
  const probeKernel = join(images, 'minicirros', 'vmlinuz');
  const verdict = await chooseAccelerator(settings.accelerator, existsSync(probeKernel) ? probeKernel : null);
  const { subnet, gateway } = await chooseCloudSubnet(bridge, settings.subnet);

  const bus = new EventBus();
  const cleanups: (() => Promise<void> | void)[] = [];
  const runCleanups = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((err: unknown) => failures.push(err));
    cleanups.length = 0;
    if (failures.length > 0) throw new AggregateError(failures, 'cloud shutdown left errors');
  };
  try {
    const store = openSqliteStore({ path: layout.databasePath, requestLog: { onFlushError: (err) => bus.publish({ type: 'notice', at: Date.now(), level: 'error', message: `request log: ${String(err)}` }) } });
    cleanups.push(() => store.close());
    const rows = new SqliteControllerStore(layout.databasePath);
    cleanups.push(() => rows.close());
    // minicloud.yaml `instances:`: files and images are checked before anything is created.
    const declared = declaredLaunches(config.instances ?? [], new Set(store.instances.listInstances().map((r) => r.name)), configDir);
    for (const launch of declared) resolveImage(launch.image);

    const network = new LinuxNetworkPlane({ publish: (e) => bus.publish(e), clock: systemClock });
    const networkConfig: NetworkConfig = {
      cloudId, bridge, subnet, gateway,
      metadataPort: settings.metadataPort,
      egress: settings.egress,
      domain: 'minicloud',
      stateDir: layout.networkDir,
    };
    cleanups.push(() => network.teardown());
    await network.ensureUp(networkConfig);

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
    cleanups.push(() => opened.shutdown());
    if (opened.notice) bus.publish({ type: 'notice', at: Date.now(), level: 'info', message: opened.notice });

    // One Nova project id for the metadata server and the config drives, so both show the same document.
    const projectId = derivedHex(`project:${cloudId}`, 32);
    const metadata = buildMetadataApp({ instances: store.instances, requestLog: store.requestLog, bus, clock: systemClock, tokenSecret: store.cloud.tokenSecret(), iamDefaults: { projectId } });
    await listen(metadata, { host: gateway, port: networkConfig.metadataPort });
    cleanups.push(() => metadata.close());

    const sshProbe = new OpenSshProbe(layout.sshKeyPath);
    cleanups.push(() => sshProbe.close());
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
    });
    if (verdict.accelerator === 'tcg') bus.publish({ type: 'notice', at: Date.now(), level: 'warn', message: `using TCG (software emulation, slower boots; timeouts scaled x3): ${verdict.reason}` });
    await controller.start();
    cleanups.push(() => controller.stop());
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
    const shutdown = (): Promise<void> =>
      (shuttingDown ??= (async () => {
        bus.publish({ type: 'cloud.status', at: Date.now(), status: 'stopping' });
        try {
          await controller.shutdown();
          bus.publish({ type: 'cloud.status', at: Date.now(), status: 'down' });
          await runCleanups();
        } finally {
          resolveDone();
        }
      })());

    const api = buildApiApp({ controller, bus, status, onShutdown: () => void shutdown().catch((err: unknown) => process.emitWarning(`shutdown: ${String(err)}`)) });
    await listen(api, { path: layout.socketPath });
    await chmod(layout.socketPath, 0o600);
    await writeFile(layout.pidPath, `${process.pid}\n`);
    // The socket goes last: `down` waits for it to disappear.
    cleanups.unshift(async () => {
      await api.close();
      await rm(layout.pidPath, { force: true });
      await rm(layout.socketPath, { force: true });
    });
    bus.publish({ type: 'cloud.status', at: Date.now(), status: 'up', detail: `${cloudId}: ${subnet} on ${bridge}, metadata at ${gateway}:${networkConfig.metadataPort}, ${hypervisor.kind} driver, ${verdict.accelerator}` });
    return { controller, bus, status, shutdown, done };
  } catch (err) {
    await runCleanups().catch((cleanupErr: unknown) => bus.publish({ type: 'notice', at: Date.now(), level: 'error', message: `cleanup after a failed up: ${String(cleanupErr)}` }));
    throw err;
  }
}
