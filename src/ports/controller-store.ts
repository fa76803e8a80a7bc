import type { ControllerInstance } from '../domain/controller-instance.js';

/**
 * The controller's desired state and readiness record per instance, next to the metadata plane's
 * InstanceStore (same ids). Synchronous, like better-sqlite3. Every write is durable before it
 * returns, so a kill -9 of the controller loses nothing it had recorded.
 * Implementations: SQLite (src/adapters/store/sqlite/sqlite-controller-store.ts) and in-memory.
 */
export interface ControllerStore {
  /** All instances, oldest first. */
  list(): ControllerInstance[];
  get(id: string): ControllerInstance | undefined;
  /** Inserts or replaces. */
  put(instance: ControllerInstance): void;
  /** A missing id is not an error. */
  delete(id: string): void;
}
