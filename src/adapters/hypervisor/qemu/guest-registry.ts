import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GuestSpec } from '../../../ports/hypervisor.js';

/**
 * The qemu driver's record of defined guests: one `<instanceId>.json` (the GuestSpec) per guest in the
 * driver's state directory. This is what lets a restarted controller find its guests again (with the
 * pid file and QMP socket named in the spec's runDir).
 */
export class GuestRegistry {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async read(instanceId: string): Promise<GuestSpec | null> {
    const text = await readFile(this.path(instanceId), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    return text === null ? null : (JSON.parse(text) as GuestSpec);
  }

  async write(spec: GuestSpec): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.path(spec.instanceId)}.tmp`;
    await writeFile(tmp, JSON.stringify(spec, null, 2) + '\n');
    await rename(tmp, this.path(spec.instanceId));
  }

  async remove(instanceId: string): Promise<void> {
    await rm(this.path(instanceId), { force: true });
  }

  async all(): Promise<GuestSpec[]> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const specs = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.read(n.slice(0, -'.json'.length))));
    return specs.filter((s): s is GuestSpec => s !== null);
  }

  private path(instanceId: string): string {
    return join(this.dir, `${instanceId}.json`);
  }
}
