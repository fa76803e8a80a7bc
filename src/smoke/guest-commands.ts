/**
 * Shell commands the smoke run sends to the guest over ssh. Pure strings. They must work on busybox
 * (cirros: wget, no curl on minicirros), on cloud images without curl or wget (python3 is there for
 * cloud-init), and with dropbear, which runs the command through the login shell.
 */

const METADATA_BASE = 'http://169.254.169.254';
/** tempest's password endpoint (Nova's `openstack/<version>/password`, which tempest's password checks use). */
export const PASSWORD_PATH = '/openstack/2013-10-17/password';

/** `base` is overridable only so tests can aim the commands at a local server. */
// mc_http METHOD URL [BODY]: prints the body, fails on HTTP >= 400. Busybox `wget -T` segfaults
// (host-notes §2), hence `timeout 10 wget`.
const HTTP_FN = [
  'mc_http() {',
  '  if command -v curl >/dev/null 2>&1; then',
  '    if [ "$1" = POST ]; then curl -fsS --max-time 10 -X POST --data-binary "$3" "$2"; else curl -fsS --max-time 10 "$2"; fi',
  '  elif command -v python3 >/dev/null 2>&1; then',
  "    python3 -c 'import sys, urllib.request as u; d = sys.argv[3].encode() if len(sys.argv) > 3 else None; sys.stdout.write(u.urlopen(u.Request(sys.argv[2], data=d, method=sys.argv[1]), timeout=10).read().decode())' \"$@\"",
  '  else',
  '    if [ "$1" = POST ]; then timeout 10 wget -qO- --post-data "$3" "$2"; else timeout 10 wget -qO- "$2"; fi',
  '  fi',
  '}',
].join('\n');

/** Prints `local-ipv4` as the guest reads it from the metadata service (tempest's check). */
export function localIpv4Command(base = METADATA_BASE): string {
  return `${HTTP_FN}\nmc_http GET ${base}/latest/meta-data/local-ipv4`;
}

/**
 * POSTs `password` to the OpenStack password endpoint, then GETs it back; prints what came back.
 * `password` must be shell-safe (the caller generates it from [A-Za-z0-9]).
 */
export function passwordRoundTripCommand(password: string, base = METADATA_BASE): string {
  if (!/^[A-Za-z0-9]+$/.test(password)) throw new Error('passwordRoundTripCommand: the password must be alphanumeric');
  const url = `${base}${PASSWORD_PATH}`;
  return `${HTTP_FN}\nmc_http POST ${url} ${password} >/dev/null && mc_http GET ${url}`;
}

/** `cloud-init status --wait --long`; its stdout and exit code are judged by parseCloudInitStatus. */
export function cloudInitStatusCommand(): string {
  return 'cloud-init status --wait --long';
}

/** Prints the cloud-config marker file (fallback when the console line was lost). */
export function markerFileCommand(path: string): string {
  return `cat ${path}`;
}
