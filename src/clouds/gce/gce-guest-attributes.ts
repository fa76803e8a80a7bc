import { errors, type MinicloudError } from '../../errors/catalogue.js';
import type { GceGuestAttributes } from './gce-documents.js';

/** Namespace and key names GCE accepts for guest attributes (cloud-init writes `hostkeys/ssh-ed25519`). */
const NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** Most attributes one instance may hold; cloud-init writes one per host key type (2-4). */
const MAX_GUEST_ATTRIBUTES = 64;

const EMPTY: GceGuestAttributes = new Map();

/**
 * The guest attributes each instance wrote with `PUT …/instance/guest-attributes/<namespace>/<key>`,
 * kept in memory by the metadata server: lost when it stops (docs/clouds.md), forgotten when the
 * instance is removed. Each instance's `generation` moves with every write, so answers memoised from
 * an older generation are known to be stale.
 */
export class GuestAttributeStore {
  private readonly byInstance = new Map<string, { generation: number; namespaces: Map<string, Map<string, string>> }>();

  generation(instanceId: string): number {
    return this.byInstance.get(instanceId)?.generation ?? 0;
  }

  of(instanceId: string): GceGuestAttributes {
    return this.byInstance.get(instanceId)?.namespaces ?? EMPTY;
  }

  /** Stores `value` under `namespace/key`; the refusal as a coded 400 when the names, the value or the count are not accepted. */
  write(instanceId: string, namespace: string, key: string, value: Uint8Array): MinicloudError | null {
    if (!NAME.test(namespace) || !NAME.test(key)) return errors.gceGuestAttributeRefused(`names must match ${NAME.source}: ${JSON.stringify(`${namespace}/${key}`.slice(0, 80))}`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(value);
    } catch (err) {
      // Converted to a coded 400: GCE's guest attribute values are strings.
      return errors.gceGuestAttributeRefused(`the value is not valid UTF-8 (${String(err)})`);
    }
    const entry = this.byInstance.get(instanceId) ?? { generation: 0, namespaces: new Map<string, Map<string, string>>() };
    const keys = entry.namespaces.get(namespace) ?? new Map<string, string>();
    const count = [...entry.namespaces.values()].reduce((n, m) => n + m.size, 0);
    if (!keys.has(key) && count >= MAX_GUEST_ATTRIBUTES) return errors.gceGuestAttributeRefused(`the instance already has ${MAX_GUEST_ATTRIBUTES} guest attributes`);
    keys.set(key, text);
    entry.namespaces.set(namespace, keys);
    entry.generation += 1;
    this.byInstance.set(instanceId, entry);
    return null;
  }

  /** Forgets a removed instance's attributes. */
  forget(instanceId: string): void {
    this.byInstance.delete(instanceId);
  }
}
