import { createHmac } from 'node:crypto';

/**
 * The password server of CloudStack's virtual router (port 8080 of the router's address; Exoscale,
 * which inherited it, serves it on 169.254.169.254:8080). cloud-init's DataSourceCloudStack and
 * DataSourceExoscale `get_password`, CloudStack's passwd_server_ip.py. A guest sends `GET` with the
 * header `DomU_Request`:
 *
 * - `send_my_password`: the answer is the password, or `saved_password` once the guest has saved it;
 * - `saved_password`: the guest has set it; from now on the server answers `saved_password`.
 *
 * cloud-init reads `""` and `saved_password` as "no password" and acks every password it gets.
 */
export const DOMU_REQUEST_HEADER = 'domu_request';
export type DomURequest = 'send_my_password' | 'saved_password';
const SAVED_PASSWORD = 'saved_password';

export function isDomURequest(value: string): value is DomURequest {
  return value === 'send_my_password' || value === 'saved_password';
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const PASSWORD_LENGTH = 16;

/**
 * The instance's password, generated as CloudStack and Exoscale generate one when they create an
 * instance: 16 letters and digits, derived from the cloud's secret, the cloud's name and the instance id,
 * so it is stable across restarts of the server and cannot be guessed from outside the host. A test
 * password: it guards only a guest on minicloud's own bridge.
 */
export function guestPassword(cloudSecret: Uint8Array, cloud: string, instanceId: string): string {
  const digest = createHmac('sha256', cloudSecret).update(`${cloud}-password:${instanceId}`).digest();
  let password = '';
  for (let i = 0; i < PASSWORD_LENGTH; i += 1) password += ALPHABET[(digest[i] ?? 0) % ALPHABET.length];
  return password;
}

/** The server's answer to one request, and whether it marks the password saved. Pure. */
export function passwordAnswer(request: DomURequest, password: string, isSaved: boolean): { body: string; markSaved: boolean } {
  if (request === 'saved_password') return { body: SAVED_PASSWORD, markSaved: !isSaved };
  return { body: isSaved ? SAVED_PASSWORD : password, markSaved: false };
}
