import { createHmac } from 'node:crypto';

/** How long a managed-identity token lives, as Azure issues them (24 h). */
const TOKEN_LIFETIME_S = 86_400;

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * The answer of `/metadata/identity/oauth2/token` for the VM's system-assigned identity: Azure's field
 * set, the times as strings of epoch seconds. The access token is JWT-shaped (header, claims, a
 * signature keyed by the cloud's secret), so tools that split it work, but it is a TEST token: no
 * Azure service accepts it. Pure given `nowMs`.
 */
export function managedIdentityToken(opts: { secret: Uint8Array; vmId: string; subscriptionId: string; resource: string; nowMs: number }): Record<string, string> {
  const now = Math.floor(opts.nowMs / 1000);
  const expires = now + TOKEN_LIFETIME_S;
  const clientId = opts.vmId;
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: 'minicloud-test' }));
  const claims = b64url(
    JSON.stringify({ aud: opts.resource, iss: 'https://sts.windows.net/minicloud/', iat: now, nbf: now, exp: expires, appid: clientId, oid: clientId, sub: clientId, xms_mirid: `/subscriptions/${opts.subscriptionId}/providers/Microsoft.Compute/virtualMachines/${opts.vmId}`, minicloud: 'test token' }),
  );
  const signature = b64url(createHmac('sha256', opts.secret).update(`${header}.${claims}`).digest());
  return {
    access_token: `${header}.${claims}.${signature}`,
    client_id: clientId,
    expires_in: String(TOKEN_LIFETIME_S),
    expires_on: String(expires),
    ext_expires_in: String(TOKEN_LIFETIME_S),
    not_before: String(now),
    resource: opts.resource,
    token_type: 'Bearer',
  };
}
