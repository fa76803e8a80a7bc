import type { InstanceRecord } from '../../domain/instance.js';
import { errors } from '../../errors/catalogue.js';
import type { InstanceStore } from '../../ports/store.js';

/**
 * In-memory InstanceStore: the fake of the store port, for unit tests and throwaway clouds.
 * Same contract as the SQLite adapter (test/contract/instance-store.contract.ts): records are copied in
 * and out, so callers can never mutate the stored state by accident.
 */
export class MemoryInstanceStore implements InstanceStore {
  private readonly byId = new Map<string, InstanceRecord>();
  private readonly passwords = new Map<string, string>();
  private rev = 0;

  constructor(initial: readonly InstanceRecord[] = []) {
    for (const instance of initial) this.insertInstance(instance);
  }

  insertInstance(instance: InstanceRecord): void {
    if (this.byId.has(instance.id)) throw errors.instanceExists('id', instance.id);
    this.assertUniqueFields(instance);
    this.byId.set(instance.id, structuredClone(instance));
    this.rev++;
  }

  updateInstance(instance: InstanceRecord): void {
    if (!this.byId.has(instance.id)) throw errors.instanceNotFound(instance.id);
    this.assertUniqueFields(instance);
    this.byId.set(instance.id, structuredClone(instance));
    this.rev++;
  }

  deleteInstance(id: string): void {
    const existed = this.byId.delete(id);
    const hadPassword = this.passwords.delete(id);
    if (existed || hadPassword) this.rev++;
  }

  getInstance(id: string): InstanceRecord | undefined {
    const found = this.byId.get(id);
    return found === undefined ? undefined : structuredClone(found);
  }

  getInstanceByIp(ip: string): InstanceRecord | undefined {
    for (const instance of this.byId.values()) if (instance.ip === ip) return structuredClone(instance);
    return undefined;
  }

  listInstances(): InstanceRecord[] {
    // Map iteration is insertion order, which breaks ties between equal createdAt values.
    return [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt).map((i) => structuredClone(i));
  }

  revision(): number {
    return this.rev;
  }

  getPassword(id: string): string | null {
    return this.passwords.get(id) ?? null;
  }

  setPasswordOnce(id: string, password: string): boolean {
    if (!this.byId.has(id)) throw errors.instanceNotFound(id);
    if (this.passwords.has(id)) return false;
    this.passwords.set(id, password);
    this.rev++;
    return true;
  }

  /** Name, MAC and IP are unique across instances (the id is checked by the caller). */
  private assertUniqueFields(instance: InstanceRecord): void {
    for (const other of this.byId.values()) {
      if (other.id === instance.id) continue;
      if (other.name === instance.name) throw errors.instanceExists('name', instance.name);
      if (other.mac === instance.mac) throw errors.instanceExists('MAC', instance.mac);
      if (other.ip === instance.ip) throw errors.instanceExists('IP', instance.ip);
    }
  }
}
