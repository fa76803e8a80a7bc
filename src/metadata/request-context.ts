import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import type { InstanceView } from './instance-views.js';

/** Which API flavour a route belongs to; recorded with every request. */
export type MetadataFlavour = NonNullable<MetadataRequestRecord['flavour']>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The instance that owns the TCP source address; set by the onRequest hook, never null in a handler. */
    metadataView: InstanceView | null;
    /** The TCP source address, IPv4-mapped IPv6 folded to dotted IPv4. */
    metadataSource: string;
    /** Epoch ms (deps.clock) when the request arrived. */
    metadataArrivedAt: number;
    /**
     * The flavour whose handler answered; set by each handler (reading routeOptions allocates on every
     * access, too slow for the hot path). Null when no route matched.
     */
    metadataFlavour: MetadataFlavour | null;
    /** The id of the fault rule that shaped this answer (src/metadata/inject-faults.ts); null for a normal one. */
    metadataFault: string | null;
  }
  interface FastifyContextConfig {
    flavour?: MetadataFlavour;
    /** Set on the OpenStack password route: an oversized body there is Nova's 400, not a 413. */
    isPasswordRoute?: boolean;
  }
}

/**
 * The guest's address as the socket saw it. DNAT keeps the source, so this identifies the instance;
 * headers such as X-Forwarded-For are never consulted (trustProxy is off). A link-local IPv6 peer's
 * zone (`fe80::…%minicloud0`) is dropped: the bridge is the only link the server is reached on.
 */
export function sourceAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return '';
  if (remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.')) return remoteAddress.slice(7);
  const zone = remoteAddress.indexOf('%');
  return zone < 0 ? remoteAddress : remoteAddress.slice(0, zone);
}
