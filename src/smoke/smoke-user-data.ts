import type { SmokeProfile } from './profiles.js';

/** Where the cloud-config user-data also writes its marker, for the ssh fallback of the userdata check. */
export const USERDATA_MARKER_FILE = '/run/minicloud-smoke-userdata';

/** The console line that proves the generated user-data ran; `token` makes it unique to the run. */
export function userDataMarker(token: string): string {
  return `minicloud-smoke: user-data ran ${token}`;
}

/**
 * The user-data a smoke run generates when none is given. Pure. The marker is assembled at run time
 * (`$t`), so a console that echoes the script's text cannot fake the proof that it ran.
 */
export function smokeUserData(profile: SmokeProfile, token: string): string {
  const echo = `t=${token}; echo "minicloud-smoke: user-data ran $t"`;
  if (profile.userData === 'shell') {
    return ['#!/bin/sh', '# minicloud smoke: prints a marker on the console to prove user-data ran', echo, ''].join('\n');
  }
  return [
    '#cloud-config',
    '# minicloud smoke: runcmd prints a marker on the console (and into a file) to prove user-data ran',
    'runcmd:',
    `  - [sh, -c, '${echo} | tee ${USERDATA_MARKER_FILE} > /dev/console']`,
    '',
  ].join('\n');
}
