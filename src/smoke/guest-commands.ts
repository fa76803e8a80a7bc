/**
 * Shell commands the smoke run sends to the guest over ssh. Pure strings. They must work on busybox
 * (cirros: wget, no curl on minicirros), on cloud images without curl or wget (python3 is there for
 * cloud-init), and with dropbear, which runs the command through the login shell.
 */

import type { GuestMetadataRequest } from '../clouds/cloud-flavour.js';

const METADATA_BASE = 'http://169.254.169.254';
/** tempest's password endpoint (Nova's `openstack/<version>/password`, which tempest's password checks use). */
export const PASSWORD_PATH = '/openstack/2013-10-17/password';

/** `base` is overridable only so tests can aim the commands at a local server. */
// mc_http METHOD URL BODY [HEADER]: prints the body, fails on HTTP >= 400; BODY is sent for POST only;
// HEADER is one `Name: value` (the one header a cloud requires). Busybox `wget -T` segfaults, hence
// `timeout 10 wget`. The positional parameters are rebuilt with `set --` so no argument is ever split.
const HTTP_FN = [
  'mc_http() {',
  '  m="$1"; url="$2"; body="$3"; h="${4:-}"',
  '  if command -v curl >/dev/null 2>&1; then',
  '    set -- -fsS --max-time 10',
  '    [ "$m" = POST ] && set -- "$@" -X POST --data-binary "$body"',
  '    [ -n "$h" ] && set -- "$@" -H "$h"',
  '    curl "$@" "$url"',
  '  elif command -v python3 >/dev/null 2>&1; then',
  "    python3 -c 'import sys, urllib.request as u; m, url, body, h = sys.argv[1:5]; r = u.Request(url, data=body.encode() if m == \"POST\" else None, method=m, headers=dict([h.split(\": \", 1)]) if h else {}); sys.stdout.write(u.urlopen(r, timeout=10).read().decode())' \"$m\" \"$url\" \"$body\" \"$h\"",
  '  else',
  '    set -- -qO-',
  '    [ "$m" = POST ] && set -- "$@" --post-data "$body"',
  '    [ -n "$h" ] && set -- "$@" --header "$h"',
  '    timeout 10 wget "$@" "$url"',
  '  fi',
  '}',
].join('\n');

/** A shell word: single-quoted. */
function sq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Prints the guest's private IPv4 as it reads it from its cloud's metadata service (tempest's local-ipv4 check). */
export function localIpv4Command(request: GuestMetadataRequest, base = METADATA_BASE): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`);
  if (headers.length > 1) throw new Error('localIpv4Command: mc_http sends at most one header');
  return `${HTTP_FN}\nmc_http GET ${sq(`${base}${request.path}`)} ''${headers.map((h) => ` ${sq(h)}`).join('')}`;
}

/**
 * POSTs `password` to the OpenStack password endpoint, then GETs it back; prints what came back.
 * `password` must be shell-safe (the caller generates it from [A-Za-z0-9]).
 */
export function passwordRoundTripCommand(password: string, base = METADATA_BASE): string {
  if (!/^[A-Za-z0-9]+$/.test(password)) throw new Error('passwordRoundTripCommand: the password must be alphanumeric');
  const url = `${base}${PASSWORD_PATH}`;
  return `${HTTP_FN}\nmc_http POST ${url} ${password} >/dev/null && mc_http GET ${url} ''`;
}

/** `cloud-init status --wait --long`; its stdout and exit code are judged by parseCloudInitStatus. */
export function cloudInitStatusCommand(): string {
  return 'cloud-init status --wait --long';
}

/** Prints the cloud-config marker file (fallback when the console line was lost). */
export function markerFileCommand(path: string): string {
  return `cat ${path}`;
}
