import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startMetadataServe, type MetadataServeProcess } from '../../helpers/metadata-serve-process.js';
import { TestNetns } from '../../helpers/netns.js';
import { readFixtureInstance, type FixtureInstance } from './fixture-instance.js';

/** The link-local address every metadata client hard-codes. */
export const METADATA_ADDRESS = '169.254.169.254';

/**
 * A namespace where 169.254.169.254/32 is on `lo` and `minicloud metadata serve` listens on
 * 169.254.169.254:80, as a guest sees it. A client in the namespace connects from 169.254.169.254
 * too: it is the only address on `lo` besides 127.0.0.1, and the kernel picks the destination
 * itself as the source for a local destination. So the fixture's instance has that ip.
 */
export interface ClientWorld {
  ns: TestNetns;
  server: MetadataServeProcess;
  /** A scratch directory for clients (cloud-init's paths, HOME for the SDK scripts). */
  scratch: string;
  destroy(): Promise<void>;
}

async function createClientWorld(prefix: string, instancesFile: string): Promise<ClientWorld> {
  const tmp = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let ns: TestNetns | undefined;
  let server: MetadataServeProcess | undefined;
  const destroy = async (): Promise<void> => {
    // Collect every cleanup failure instead of stopping at the first (netns and temp dir must go).
    const failures: unknown[] = [];
    try {
      server?.close();
    } catch (err) {
      failures.push(err);
    }
    await ns?.destroy().catch((err: unknown) => failures.push(err));
    rmSync(tmp, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, `${prefix}: cleanup failed`);
  };
  try {
    ns = await TestNetns.create(prefix);
    await ns.run('ip', ['addr', 'add', `${METADATA_ADDRESS}/32`, 'dev', 'lo']);
    const scratch = join(tmp, 'scratch');
    mkdirSync(scratch);
    server = await startMetadataServe(ns, {
      listen: `${METADATA_ADDRESS}:80`,
      instancesFile,
      stateDir: join(tmp, 'state'),
    });
    return { ns, server, scratch, destroy };
  } catch (err) {
    await destroy().catch((cleanupErr: unknown) => {
      throw new AggregateError([err, cleanupErr], `${prefix}: setup failed, then cleanup failed`);
    });
    throw err;
  }
}

/**
 * Registers beforeAll/afterAll for a describe block: a world serving `instancesFile`, removed
 * afterwards even when a test failed. Returns an accessor for the tests (throws if setup failed).
 */
export function useClientWorld(prefix: string, instancesFile: string): () => { world: ClientWorld; instance: FixtureInstance } {
  let state: { world: ClientWorld; instance: FixtureInstance } | undefined;
  beforeAll(async () => {
    const instance = readFixtureInstance(instancesFile);
    state = { world: await createClientWorld(prefix, instancesFile), instance };
  });
  afterAll(async () => {
    await state?.world.destroy();
  });
  return () => {
    if (!state) throw new Error(`${prefix}: the world was not set up (see the beforeAll error)`);
    return state;
  };
}
