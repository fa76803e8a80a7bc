import type { ControllerInstance } from '../../domain/controller-instance.js';
import type { ControllerStore } from '../../ports/controller-store.js';

/** ControllerStore in memory, for tests. Stores copies, as a database would. */
export class MemoryControllerStore implements ControllerStore {
  private readonly rows = new Map<string, ControllerInstance>();

  list(): ControllerInstance[] {
    return [...this.rows.values()].map((r) => structuredClone(r));
  }
  get(id: string): ControllerInstance | undefined {
    const row = this.rows.get(id);
    return row && structuredClone(row);
  }
  put(instance: ControllerInstance): void {
    this.rows.set(instance.id, structuredClone(instance));
  }
  delete(id: string): void {
    this.rows.delete(id);
  }
}
