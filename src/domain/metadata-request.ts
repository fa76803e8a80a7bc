/** One request to the metadata server, as recorded in the request log and published on the event stream. */
export interface MetadataRequestRecord {
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /** The instance the source address belongs to; null for an unknown source. */
  instanceId: string | null;
  sourceIp: string;
  method: string;
  /** Path as requested (with query string, if any), truncated to 1024 characters. */
  path: string;
  /**
   * HTTP status answered; 0 (NO_ANSWER_STATUS in src/domain/fault-rule.ts) when a fault rule sent none:
   * the connection was reset, or the request hung until the client or the server closed it.
   */
  status: number;
  /** Response body bytes. */
  bytes: number;
  /** Time from request to response, in milliseconds. */
  latencyMs: number;
  userAgent: string | null;
  /** Whether an IMDSv2 token was presented (valid or not). */
  tokenUsed: boolean;
  /**
   * Which API answered: the `name` of its MetadataApi (ec2, openstack, nocloud, hetzner…; one per cloud
   * API, so the set grows with src/clouds/registry.ts), or null when no route matched.
   */
  flavour: string | null;
  /** The id of the fault rule that shaped this answer (docs/faults.md); null for a normal answer. */
  fault: string | null;
}
