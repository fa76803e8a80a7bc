import type { CloudFlavour } from '../clouds/cloud-flavour.js';
import { randomBytes } from 'node:crypto';
import { formatDuration } from '../core/units.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import { hasReached, type Stage } from '../domain/stages.js';
import { errors } from '../errors/catalogue.js';
import { failed, passed, skipped, type CheckResult } from './check-result.js';
import type { UserCheck } from './check-spec.js';
import { cloudInitVerdict, localIpv4Verdict, parseCloudInitStatus, passwordVerdict, userDataVerdict, type Verdict } from './check-verdicts.js';
import { cloudInitStatusCommand, localIpv4Command, markerFileCommand, passwordRoundTripCommand } from './guest-commands.js';
import { guestShell, httpFromCloud, type GuestTarget, type ShellResult } from './guest-shell.js';
import type { SmokeProfile } from './profiles.js';
import type { PlannedCheck } from './smoke-plan.js';
import { USERDATA_MARKER_FILE } from './smoke-user-data.js';
import type { BootOutcome } from './watch-boot.js';

export interface CheckContext {
  outcome: BootOutcome;
  plan: PlannedCheck[];
  /** The instances' cloud: where local-ipv4 is read (its check is planned only when there is a path). */
  cloud: CloudFlavour;
  userChecks: UserCheck[];
  profile: SmokeProfile;
  /** The generated user-data's marker; null when the user brought their own user-data. */
  marker: string | null;
  requests: MetadataRequestRecord[];
  target: GuestTarget;
  netns: string;
  allowDegraded: boolean;
  /** Epoch ms the run must end by (bounds `cloud-init status --wait`). */
  deadline: number;
  /** The cloud's record of the instance's OpenStack password (what tempest's show_password reads). */
  storedPassword: (instanceId: string) => Promise<string | null>;
}

const STAGE_OF: Partial<Record<string, Stage>> = { boot: 'booting', dhcp: 'dhcp', metadata: 'metadata', userdata: 'userdata', ssh: 'ssh' };

function fromVerdict(name: string, instance: string, ms: number, v: Verdict): CheckResult {
  if (v.ok) return passed(name, instance, ms, v.detail);
  return v.kind === 'init' ? failed(name, instance, ms, errors.smokeGuestInitError, instance, v.detail) : failed(name, instance, ms, errors.smokeCheckFailed, instance, name, v.detail);
}

function shellDetail(r: ShellResult): string {
  if (r.code === null) return `timed out after ${formatDuration(r.durationMs)}`;
  const err = r.stderr.trim().split('\n').slice(-2).join(' / ');
  return `exit ${r.code}${err ? `: ${err.slice(0, 300)}` : ''}`;
}

/**
 * Runs the planned checks of one instance after its boot was watched, in boot order. A check that
 * needs a stage the guest never reached is skipped with that reason (the failure is reported once,
 * on the stage's own check); ssh-based checks are skipped when ssh failed.
 */
export async function runInstanceChecks(ctx: CheckContext): Promise<CheckResult[]> {
  const { info, consoleText, failure } = ctx.outcome;
  const name = info.name;
  const at = (stage: Stage) => info.stageDurations[stage] ?? 0;
  const results: CheckResult[] = [];
  let sshOk = false;
  const shell = (cmd: string, timeoutMs = 60_000) => guestShell(ctx.target, cmd, Math.max(5_000, Math.min(timeoutMs, ctx.deadline - Date.now())));

  for (const planned of ctx.plan) {
    const check = planned.name;
    if (planned.skip) {
      results.push(skipped(check, name, planned.skip));
      continue;
    }
    const stage = STAGE_OF[check];
    if (failure && stage === failure.stage) {
      results.push({ name: check, instance: name, status: 'failed', durationMs: Date.now() - (info.startedAt ?? info.createdAt), message: failure.message, failure: { code: failure.code, exit: failure.exit, hint: failure.hint } });
      continue;
    }
    if (stage && !hasReached(info.stage, stage) && (check !== 'userdata' || failure)) {
      results.push(skipped(check, name, failure ? `not reached: the guest stopped at ${info.stage} (${failure.stage} failed)` : `not reached (stage ${info.stage})`));
      continue;
    }
    switch (check) {
      case 'boot':
        results.push(passed(check, name, at('booting'), `first console output ${formatDuration(at('booting'))} after start`));
        break;
      case 'dhcp':
        results.push(passed(check, name, at('dhcp'), `leased ${info.ip}${info.impliedStages.includes('dhcp') ? ' (seen through its first metadata request)' : ''}`));
        break;
      case 'metadata': {
        const first = ctx.requests[0];
        results.push(passed(check, name, at('metadata'), `${ctx.requests.length} requests${first ? `, first ${first.method} ${first.path}` : ''}`));
        break;
      }
      case 'userdata': {
        let markerFileText: string | null = null;
        if (ctx.marker && !consoleText.includes(ctx.marker) && ctx.profile.userData === 'cloud-config' && hasReached(info.stage, 'ssh')) {
          // `cloud-init status --wait` returns when modules:final has run, which on a loaded TCG host can be
          // minutes after sshd answers: it may take what is left of the smoke's own timeout, not a fixed minute.
          const r = await shell(`${cloudInitStatusCommand()} >/dev/null 2>&1; ${markerFileCommand(USERDATA_MARKER_FILE)}`, ctx.deadline - Date.now());
          markerFileText = r.stdout;
        }
        const fetched = hasReached(info.stage, 'userdata') || ctx.requests.some((r) => ctx.cloud.userDataRequest.test(r.path) && r.status === 200);
        results.push(fromVerdict(check, name, at('userdata'), userDataVerdict({ profile: ctx.profile, consoleText, marker: ctx.marker, fetched, markerFileText })));
        break;
      }
      case 'ssh': {
        const r = await shell('echo minicloud-smoke-ssh-ok', 30_000);
        sshOk = r.code === 0 && r.stdout.includes('minicloud-smoke-ssh-ok');
        results.push(sshOk ? passed(check, name, r.durationMs, `${ctx.target.user}@${info.ip} accepted the cloud key`) : failed(check, name, r.durationMs, errors.smokeCheckFailed, name, check, `ssh ${ctx.target.user}@${info.ip} with the cloud key: ${shellDetail(r)}`));
        break;
      }
      case 'local-ipv4': {
        if (!sshOk) {
          results.push(skipped(check, name, 'needs ssh, which failed'));
          break;
        }
        if (!ctx.cloud.localIpv4) {
          results.push(skipped(check, name, `${ctx.cloud.title} has no metadata path for the private IPv4`));
          break;
        }
        const r = await shell(localIpv4Command(ctx.cloud.localIpv4), 30_000);
        results.push(r.code === 0 ? fromVerdict(check, name, r.durationMs, localIpv4Verdict(r.stdout, info.ip)) : failed(check, name, r.durationMs, errors.smokeCheckFailed, name, check, `reading local-ipv4 in the guest failed: ${shellDetail(r)}`));
        break;
      }
      case 'password': {
        if (!sshOk) {
          results.push(skipped(check, name, 'needs ssh, which failed'));
          break;
        }
        // tempest POSTs 100 random characters; alphanumerics keep the shell out of it.
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
        const password = [...randomBytes(100)].map((b) => alphabet[b % alphabet.length]).join('');
        const r = await shell(passwordRoundTripCommand(password), 30_000);
        results.push(r.code === 0 ? fromVerdict(check, name, r.durationMs, passwordVerdict(password, r.stdout, await ctx.storedPassword(info.id))) : failed(check, name, r.durationMs, errors.smokeCheckFailed, name, check, `the password POST/GET in the guest failed: ${shellDetail(r)}`));
        break;
      }
      case 'cloud-init': {
        if (!sshOk) {
          results.push(skipped(check, name, 'needs ssh, which failed'));
          break;
        }
        const r = await shell(cloudInitStatusCommand(), ctx.deadline - Date.now());
        if (r.code === null) results.push(failed(check, name, r.durationMs, errors.smokeStageTimeout, name, 'cloud-init done', formatDuration(r.durationMs), '`cloud-init status --wait` did not return before --timeout'));
        else if (r.code === 255) results.push(failed(check, name, r.durationMs, errors.smokeCheckFailed, name, check, `cannot run cloud-init status: ${shellDetail(r)}`));
        else results.push(fromVerdict(check, name, r.durationMs, cloudInitVerdict(parseCloudInitStatus(r.stdout, r.code), ctx.allowDegraded)));
        break;
      }
      case 'console-log': {
        const bytes = Buffer.byteLength(consoleText);
        results.push(bytes > 0 ? passed(check, name, 0, `${bytes} bytes`) : failed(check, name, 0, errors.smokeCheckFailed, name, check, 'the serial console printed nothing (does the image log to ttyS0?)'));
        break;
      }
    }
  }
  for (const uc of ctx.userChecks) results.push(await runUserCheck(uc, ctx, sshOk));
  return results;
}

async function runUserCheck(uc: UserCheck, ctx: CheckContext, sshOk: boolean): Promise<CheckResult> {
  const { info, consoleText } = ctx.outcome;
  const name = info.name;
  switch (uc.kind) {
    case 'console': {
      const line = consoleText.split(/\r?\n/).find((l) => uc.regex.test(l)) ?? (uc.regex.test(consoleText) ? '(multi-line match)' : null);
      return line !== null ? passed(uc.source, name, 0, `matched "${line.trim().slice(0, 200)}"`) : failed(uc.source, name, 0, errors.smokeCheckFailed, name, uc.source, `no console line matches ${uc.regex.toString()}`);
    }
    case 'exec': {
      if (!sshOk) return skipped(uc.source, name, 'needs ssh, which failed');
      const r = await guestShell(ctx.target, uc.command, Math.max(5_000, Math.min(120_000, ctx.deadline - Date.now())));
      return r.code === 0 ? passed(uc.source, name, r.durationMs, `exit 0${r.stdout.trim() ? `: ${r.stdout.trim().split('\n').slice(-1)[0]?.slice(0, 200)}` : ''}`) : failed(uc.source, name, r.durationMs, errors.smokeCheckFailed, name, uc.source, `${shellDetail(r)}${r.stdout.trim() ? `; stdout: ${r.stdout.trim().slice(-300)}` : ''}`);
    }
    case 'http': {
      if (!hasReached(info.stage, 'dhcp')) return skipped(uc.source, name, 'the guest has no address');
      const url = `http://${info.ip}:${uc.port}${uc.path}`;
      const r = await httpFromCloud(ctx.netns, url, 10_000);
      return r.code === 0 ? passed(uc.source, name, r.durationMs, `GET ${url}: ${r.stdout.trim()}`) : failed(uc.source, name, r.durationMs, errors.smokeCheckFailed, name, uc.source, `GET ${url}: ${r.stdout.trim() || r.stderr.trim().slice(0, 200) || `exit ${r.code}`}`);
    }
  }
}

/** The metadata requests as NDJSON (one record per line), for the artifacts directory. */
export function requestsNdjson(requests: MetadataRequestRecord[]): string {
  return requests.map((r) => JSON.stringify(r)).join('\n') + (requests.length ? '\n' : '');
}
