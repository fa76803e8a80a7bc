/**
 * Scaleway's rule for user and vendor data: "viewing and editing user data is only allowed to queries
 * originating from a port below 1024" (scaleway.com/en/developers/api/instance/user-data), so that only
 * root on the instance reads them. The DNAT to the metadata server keeps the guest's source port, so the
 * server sees the port the guest bound. Undefined (no TCP peer, as under fastify's inject) is not
 * privileged. Pure.
 */
export function isPrivilegedSourcePort(remotePort: number | undefined): boolean {
  return remotePort !== undefined && remotePort > 0 && remotePort < 1024;
}
