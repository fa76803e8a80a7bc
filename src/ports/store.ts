import type { InstanceRecord } from '../domain/instance.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';

/**
 * Instances as the metadata plane needs them. Implementations: SQLite (src/adapters/store/sqlite)
 * and in-memory (src/adapters/store/memory-instance-store.ts); one contract suite runs against both
 * (test/contract/instance-store.contract.ts).
 */
export interface InstanceStore {
  /** Adds a new instance. MUST throw MC_ERR_INSTANCE_EXISTS if the id, name, MAC or IP is taken. */
  insertInstance(instance: InstanceRecord): void;
  /** Replaces an existing instance's record. MUST throw MC_ERR_INSTANCE_NOT_FOUND if it does not exist. */
  updateInstance(instance: InstanceRecord): void;
  /** Removes the instance (and its password); a missing id is not an error. */
  deleteInstance(id: string): void;
  getInstance(id: string): InstanceRecord | undefined;
  /** The instance that owns this IPv4 address: how the metadata server tells guests apart. */
  getInstanceByIp(ip: string): InstanceRecord | undefined;
  /** All instances, oldest first. */
  listInstances(): InstanceRecord[];
  /** Monotonic counter bumped by every mutation, so readers can cache cheaply. */
  revision(): number;

  /** OpenStack password set by the guest (POST /openstack/latest/password); null until set. */
  getPassword(id: string): string | null;
  /**
   * Stores the password only if none is set yet. Returns false if one was already set
   * (the server answers 409, as Nova does).
   */
  setPasswordOnce(id: string, password: string): boolean;
}

export interface RequestLogQuery {
  instanceId?: string;
  /** Only records with time > sinceTime (epoch ms). */
  sinceTime?: number;
  /** Most recent N, returned oldest first. */
  limit?: number;
}

/** The metadata request log. Appends must be cheap: the hot path calls `append` once per request. */
export interface RequestLogStore {
  /** MUST NOT block on disk I/O; implementations batch. */
  append(record: MetadataRequestRecord): void;
  /** Writes everything appended so far. */
  flush(): void;
  query(q: RequestLogQuery): MetadataRequestRecord[];
}
