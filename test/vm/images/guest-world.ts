import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { createGuestNetwork, type GuestNetwork } from '../../helpers/guest-network.js';
import { identityOf, type TestInstance } from '../../helpers/instance-record.js';
import { startMetadataServe, type MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import { TestNetns } from '../../helpers/netns.js';
import { startGuest, type GuestBootSource, type RunningGuest } from './qemu-guest.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** Where `make images` links the current builds (vm-images/README.md). */
const IMAGES_OUT = join(ROOT, 'vm-images/out');

/**
 * Everything an image boot test needs, inside one private network namespace: the guest network
 * (bridge, dnsmasq, DNAT; test/helpers/guest-network.ts), `minicloud metadata serve` on the gateway
 * serving `instances`, and an ed25519 key pair whose public half every instance carries.
 * `destroy()` ends every process by PID and removes the namespace, also after a failure.
 */
export interface GuestWorld {
  ns: TestNetns;
  net: GuestNetwork;
  server: MetadataServeProcess;
  privateKey: string;
  publicKey: string;
  scratch: string;
  /** Boots a guest for `instance` on a fresh tap. */
  boot(instance: TestInstance, source: GuestBootSource, opts: BootOptions): Promise<RunningGuest>;
  /** Runs ssh inside the namespace as `user@instance.ip` with the world's key. */
  ssh(user: string, instance: TestInstance, command: string): Promise<string>;
  destroy(): Promise<void>;
}

export interface BootOptions {
  memoryMiB: number;
  hardTimeoutMs: number;
  smbios?: string[];
  extraDisks?: string[];
}

const METADATA_PORT = 8775;

/** Fails with the command to run when an image has not been built. */
export function requireImage(name: string, ...files: string[]): string {
  const dir = join(IMAGES_OUT, name);
  for (const f of files) {
    if (!existsSync(join(dir, f))) throw new Error(`${join(dir, f)} is missing: run \`make images\` first`);
  }
  return dir;
}

export async function createGuestWorld(prefix: string, instances: TestInstance[]): Promise<GuestWorld> {
  const scratch = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const guests: RunningGuest[] = [];
  let ns: TestNetns | undefined;
  let net: GuestNetwork | undefined;
  let server: MetadataServeProcess | undefined;
  const destroy = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const g of guests) g.kill();
    await Promise.all(guests.map((g) => g.exited));
    try {
      server?.close();
    } catch (err) {
      failures.push(err);
    }
    await ns?.destroy().catch((err: unknown) => failures.push(err));
    net?.close();
    rmSync(scratch, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, `${prefix}: cleanup failed`);
  };
  try {
    const privateKey = join(scratch, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'minicloud-test', '-f', privateKey]);
    const publicKey = readFileSync(`${privateKey}.pub`, 'utf8').trim();
    const instancesFile = join(scratch, 'instances.yaml');
    writeFileSync(instancesFile, instancesYaml(instances, publicKey));

    ns = await TestNetns.create(prefix);
    net = await createGuestNetwork(ns, {
      metadataPort: METADATA_PORT,
      hosts: instances.map((i) => ({ mac: i.mac, ip: i.ip })),
    });
    server = await startMetadataServe(ns, { listen: net.metadataListen, instancesFile, stateDir: join(scratch, 'state') });

    const world: GuestWorld = {
      ns,
      net,
      server,
      privateKey,
      publicKey,
      scratch,
      destroy,
      boot: async (instance, source, opts) => {
        const tap = await net!.addTap(`mctap${guests.length}`);
        const guest = startGuest(
          ns!,
          {
            boot: source,
            memoryMiB: opts.memoryMiB,
            tap,
            mac: instance.mac,
            qmpSocket: join(scratch, `qmp-${guests.length}.sock`),
            smbios: opts.smbios,
            extraDisks: opts.extraDisks,
          },
          { hardTimeoutMs: opts.hardTimeoutMs },
        );
        guests.push(guest);
        return guest;
      },
      ssh: async (user, instance, command) => {
        const { stdout } = await ns!.run(
          'ssh',
          [
            '-i', privateKey, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
            '-o', 'ConnectTimeout=10', '-o', 'LogLevel=ERROR', `${user}@${instance.ip}`, command,
          ],
          { timeoutMs: 30_000 },
        );
        return stdout;
      },
    };
    return world;
  } catch (err) {
    await destroy().catch((cleanupErr: unknown) => {
      throw new AggregateError([err, cleanupErr], `${prefix}: setup failed, then cleanup failed`);
    });
    throw err;
  }
}

/** The instances file `minicloud metadata serve --instances` reads (docs/configuration.md). */
export function instancesYaml(instances: TestInstance[], publicKey: string): string {
  return stringify({
    instances: instances.map((i) => ({
      ...identityOf(i),
      datasource: i.datasource,
      publicKeys: [{ name: 'minicloud-test', key: publicKey }],
      userData: i.userData,
    })),
  });
}
