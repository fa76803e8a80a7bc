import type { Stage } from '../domain/stages.js';
import { hasReached } from '../domain/stages.js';
import type { SmokeProfile } from './profiles.js';

/**
 * Pure judgements of what a smoke run saw. Each returns `{ ok: true, detail }` or a failure with the
 * kind that picks its exit code: `check` (7), `init` (6: the guest's init reported an error).
 */
export type Verdict = { ok: true; detail: string } | { ok: false; kind: 'check' | 'init'; detail: string };

const ok = (detail: string): Verdict => ({ ok: true, detail });
const fail = (detail: string, kind: 'check' | 'init' = 'check'): Verdict => ({ ok: false, kind, detail });

function firstLine(text: string, re: RegExp): string | null {
  return text.split(/\r?\n/).find((l) => re.test(l))?.trim() ?? null;
}

/**
 * User-data delivered: the script's exit status when the image prints it (minicirros), then the
 * generated marker on the console (`marker` null when the user brought their own user-data: then
 * being fetched is all that can be proven).
 */
export function userDataVerdict(input: { profile: SmokeProfile; consoleText: string; marker: string | null; fetched: boolean; markerFileText?: string | null }): Verdict {
  const exitRe = input.profile.markers.userDataExit;
  const exitLine = exitRe ? firstLine(input.consoleText, exitRe) : null;
  const code = exitLine && exitRe ? Number(exitRe.exec(exitLine)?.[1]) : null;
  if (code !== null && code !== 0) return fail(`the user-data script exited ${code} (console: "${exitLine}")`, 'init');
  if (input.marker !== null) {
    if (input.consoleText.includes(input.marker)) return ok(`marker "${input.marker}" on the console`);
    if (input.markerFileText?.includes(input.marker)) return ok(`marker "${input.marker}" in the guest's marker file`);
    if (!input.fetched) return fail('the guest never fetched its user-data from the metadata service');
    return fail(`the guest fetched its user-data but its marker "${input.marker}" never appeared (was the user-data run? cirros runs only "#!" scripts)`);
  }
  if (!input.fetched) return fail('the guest never fetched its user-data');
  return ok(code === 0 ? `fetched; the script exited 0 ("${exitLine}")` : 'fetched (user-supplied user-data: no marker to look for)');
}

export type CloudInitState = 'done' | 'error' | 'degraded' | 'running' | 'disabled' | 'unknown';

/**
 * `cloud-init status --wait --long`: 22.x prints `status: done|error|disabled`; 23.4+ adds
 * `extended_status: degraded done` and exits 2 when degraded, 1 on error.
 */
export function parseCloudInitStatus(stdout: string, exitCode: number): { state: CloudInitState; detail: string } {
  const status = /^status:\s*(.+)$/m.exec(stdout)?.[1]?.trim() ?? '';
  const extended = /^extended_status:\s*(.+)$/m.exec(stdout)?.[1]?.trim() ?? '';
  const detailLines = stdout.split('\n').filter((l) => /^(detail|errors|recoverable_errors):|^\s+-\s|^\t/.test(l)).map((l) => l.trim());
  const detail = detailLines.join(' ').slice(0, 500);
  if (status === 'error' || exitCode === 1) return { state: 'error', detail };
  if (/degraded/.test(extended) || /degraded/.test(status) || exitCode === 2) return { state: 'degraded', detail };
  if (status === 'done') return { state: 'done', detail };
  if (status === 'disabled') return { state: 'disabled', detail };
  if (status === 'running' || status === 'not started') return { state: 'running', detail };
  return { state: 'unknown', detail: stdout.trim().slice(0, 200) };
}

export function cloudInitVerdict(parsed: { state: CloudInitState; detail: string }, allowDegraded: boolean): Verdict {
  const more = parsed.detail ? ` (${parsed.detail})` : '';
  switch (parsed.state) {
    case 'done':
      return ok('status: done');
    case 'degraded':
      return allowDegraded ? ok(`status: degraded done, accepted with --allow-degraded${more}`) : fail(`cloud-init finished degraded${more}; pass --allow-degraded to accept`, 'init');
    case 'error':
      return fail(`cloud-init status is error${more}`, 'init');
    case 'disabled':
      return fail('cloud-init is disabled in the guest: no datasource detected (check --datasource)');
    case 'running':
      return fail('cloud-init was still running when `status --wait` returned');
    case 'unknown':
      return fail(`cannot read cloud-init status: ${parsed.detail || 'no output'}`);
  }
}

/** tempest: `local-ipv4` read inside the guest equals the address the guest leased. */
export function localIpv4Verdict(output: string, leaseIp: string): Verdict {
  const got = output.trim();
  return got === leaseIp ? ok(`metadata local-ipv4 ${got} = lease ${leaseIp}`) : fail(`metadata local-ipv4 read in the guest is "${got.slice(0, 60)}", the lease is ${leaseIp}`);
}

/** tempest: the POSTed password comes back from the guest's GET and from the cloud's own record. */
export function passwordVerdict(sent: string, guestGot: string, stored: string | null): Verdict {
  if (guestGot.trim() !== sent) return fail(`the guest POSTed a ${sent.length}-character password but read back "${guestGot.trim().slice(0, 40)}"`);
  if (stored !== sent) return fail(`the guest's password round-tripped in the guest, but the cloud recorded ${stored === null ? 'nothing' : `"${stored.slice(0, 40)}"`}`);
  return ok(`a ${sent.length}-character password POSTed by the guest was read back by the guest and by the cloud`);
}

/** What the console proves once the guest has finished booting, without waiting any longer. */
export function earlyStageFailure(input: {
  profile: SmokeProfile;
  consoleText: string;
  stage: Stage;
  /** The datasource is read over HTTP (ec2, openstack): a metadata request is expected. */
  httpDatasource: boolean;
  /** ms since the boot-finished marker appeared; null if it has not. */
  sinceBootFinishedMs: number | null;
  /** How long after the marker the controller may still report a lease or a request. */
  graceMs: number;
}): { stage: 'dhcp' | 'metadata'; detail: string } | null {
  const { profile, consoleText, stage } = input;
  const settled = input.sinceBootFinishedMs !== null && input.sinceBootFinishedMs >= input.graceMs;
  const dhcpFailed = profile.markers.dhcpFailed ? firstLine(consoleText, profile.markers.dhcpFailed) : null;
  if (!hasReached(stage, 'dhcp') && (settled || dhcpFailed)) {
    return { stage: 'dhcp', detail: dhcpFailed ? `the guest gave up on DHCP ("${dhcpFailed}"): no lease from the cloud's dnsmasq — is the image's network configured for DHCP on its first NIC?` : 'the guest finished booting without taking a DHCP lease: is its network configured for DHCP?' };
  }
  if (!input.httpDatasource || hasReached(stage, 'metadata')) return null;
  const gaveUp = profile.markers.metadataGaveUp ? firstLine(consoleText, profile.markers.metadataGaveUp) : null;
  if (settled || (gaveUp && input.sinceBootFinishedMs !== null)) {
    return { stage: 'metadata', detail: `the guest finished booting without a single metadata request${gaveUp ? ` ("${gaveUp}")` : ''}: its datasource did not look for 169.254.169.254 — check --datasource and the image's datasource list` };
  }
  return null;
}
