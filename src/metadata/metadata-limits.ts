/** node:http's and fastify's limits on what a guest may send; METADATA_LIMITS are the defaults. */
export interface MetadataLimits {
  bodyLimit: number;
  maxHeaderBytes: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxPathSegmentLength: number;
}

export const METADATA_LIMITS: Readonly<MetadataLimits> = {
  /** Bodies are only meaningful on the password route (1020 bytes); anything else is refused early. */
  bodyLimit: 16 * 1024,
  /** Request line + headers. */
  maxHeaderBytes: 8 * 1024,
  /** A client must send its whole request within this (slowloris guard). */
  requestTimeoutMs: 10_000,
  /** An idle connection is closed after this. */
  idleTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxPathSegmentLength: 512,
};
