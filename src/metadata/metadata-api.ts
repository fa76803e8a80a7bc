import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../events/event-bus.js';
import type { Clock } from '../ports/clock.js';
import type { InstanceStore } from '../ports/store.js';

/** What every metadata API plugin may use; the same object for all of them. */
export interface MetadataContext {
  clock: Clock;
  instances: InstanceStore;
  bus: EventBus;
  /** Per-cloud secret keying session tokens (IMDSv2 and the like); at least 32 bytes. */
  tokenSecret: Uint8Array;
  /** AWS account id shown by the EC2 trees. */
  accountId: string;
  /** Nova project id shown by the OpenStack trees. */
  projectId: string;
}

/**
 * One HTTP metadata API (EC2's IMDS, Nova's /openstack, GCE's computeMetadata…): a fastify plugin that
 * registers its routes, its required headers and their errors, encapsulated. buildMetadataApp registers
 * it once per cloud that serves it, in a scope whose routes answer only that cloud's instances, so two
 * clouds may use the same path (UpCloud's and DigitalOcean's /metadata/v1.json) without a conflict and
 * a guest never sees another cloud's API.
 */
export interface MetadataApi {
  /** Recorded with every request it answers (the request log's `flavour`). */
  name: string;
  plugin: (app: FastifyInstance, context: MetadataContext) => Promise<void>;
}

/** The APIs one cloud's instances are served (a registry entry's metadata side). */
export interface CloudMetadata {
  /** The cloud's name: the instance record's `datasource`. */
  cloud: string;
  apis: readonly MetadataApi[];
}
