import { cloudNamed } from '../clouds/registry.js';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchBody } from '../api/api-schemas.js';
import type { FaultRuleSpec } from '../core/fault-rule-spec.js';
import { cloudLayout } from '../config/minicloud-config.js';
import type { Datasource } from '../domain/instance.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import { errors, isMinicloudError } from '../errors/catalogue.js';
import { failed, passed, skipped, type CheckResult } from './check-result.js';
import type { UserCheck } from './check-spec.js';
import { junitXml } from './junit-xml.js';
import { findLeftovers, netnsInode, type CloudFootprint } from './leftovers.js';
import { chooseProfile, type ProfileName } from './profiles.js';
import { checkLine, phaseLine, stageLine, summaryLine } from './progress-lines.js';
import { requestsNdjson, runInstanceChecks } from './run-checks.js';
import { startSmokeCloud, type SmokeCloud } from './smoke-cloud.js';
import { faultReports, faultSummary, installFaults, type SmokeFaultReport } from './smoke-faults.js';
import { planChecks } from './smoke-plan.js';
import { buildSmokeReport, type SmokeInstanceReport, type SmokeReport, type SmokeReportInput } from './smoke-report.js';
import { smokeUserData, userDataMarker } from './smoke-user-data.js';
import { watchBoot, type BootOutcome } from './watch-boot.js';

export interface SmokeOptions {
  image: string;
  count: number;
  datasource: Datasource;
  memoryMiB: number;
  /** The user's user-data, byte for byte; null to generate one with a marker. */
  userData: Buffer | null;
  /** The instances' meta (`--meta`), besides smoke's own `minicloud-smoke` key. */
  meta?: Readonly<Record<string, string>>;
  checks: UserCheck[];
  profile?: ProfileName;
  /** The artifacts directory of a run, given its id (`--artifacts` may contain <run-id>). */
  artifactsFor: (runId: string) => string;
  junitPath?: string;
  reportPath?: string;
  keepOnFailure: boolean;
  /** The whole run (boot and checks) must end within this. */
  timeoutMs: number;
  allowDegraded: boolean;
  accelerator?: 'kvm' | 'tcg';
  /** minicloud.yaml for the throwaway cloud (e.g. images with their own kernel command line). */
  configPath?: string;
  /** The fault scenario (`--faults FILE`, already checked): added after the cloud is up, before the launch. */
  faults?: readonly FaultRuleSpec[];
  /** argv that runs this CLI, to start `minicloud up --netns` with. */
  cliArgv: string[];
  /** Parent directory of the run's MINICLOUD_HOME. */
  stateRoot: string;
  print: (line: string) => void;
  signal: AbortSignal;
}

const TAIL_LINES = 40;

function runErrorOf(err: unknown): NonNullable<SmokeReportInput['runError']> {
  // Not a coded error: a bug, kept in the report with its stack (and rethrown by the CLI after teardown).
  const coded = isMinicloudError(err) ? err : errors.internal(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return { code: coded.code, message: coded.message, hint: coded.hint ?? null, exit: coded.exitCode };
}

/**
 * One smoke run: a throwaway cloud in its own netns and MINICLOUD_HOME (so parallel runs never share
 * a name, subnet, port or file), launch, watch the boot, run the checks, collect the artifacts, tear
 * down and verify that nothing is left. Never throws for a failed check: the report says it all.
 */
export async function runSmoke(opts: SmokeOptions): Promise<SmokeReport> {
  const started = Date.now();
  const flavour = cloudNamed(opts.datasource);
  const runId = randomBytes(3).toString('hex');
  const netns = `mcsmoke-${runId}`;
  const artifactsDir = opts.artifactsFor(runId);
  const home = await mkdtemp(join(opts.stateRoot, `minicloud-smoke-${runId}-`));
  await mkdir(artifactsDir, { recursive: true });
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      phases[name] = Date.now() - t;
    }
  };
  const { profile, reason } = chooseProfile(opts.image, opts.profile);
  const token = randomBytes(6).toString('hex');
  const userData = opts.userData ?? Buffer.from(smokeUserData(profile, token));
  const marker = opts.userData ? null : userDataMarker(token);
  const artifactFiles: string[] = [];
  const artifact = async (name: string, data: string | Buffer) => {
    await writeFile(join(artifactsDir, name), data);
    if (!artifactFiles.includes(name)) artifactFiles.push(name);
  };
  await artifact('user-data', userData);
  opts.print(`smoke  run ${runId}: ${opts.image} (profile ${profile.name}: ${reason}), datasource ${opts.datasource}, ${opts.count} instance(s); artifacts in ${artifactsDir}`);

  let cloud: SmokeCloud | null = null;
  let footprint: CloudFootprint | null = null;
  let runError: SmokeReportInput['runError'] = null;
  let outcomes: BootOutcome[] = [];
  const requestsById = new Map<string, MetadataRequestRecord[]>();
  const checks: CheckResult[] = [];
  const deadline = started + opts.timeoutMs;
  try {
    artifactFiles.push('controller-events.ndjson');
    const c = await phase('cloudUp', () =>
      startSmokeCloud({
        cliArgv: opts.cliArgv,
        home,
        netns,
        eventsLogPath: join(artifactsDir, 'controller-events.ndjson'),
        startTimeoutMs: 60_000,
        ...(opts.configPath ? { configPath: opts.configPath } : {}),
        ...(opts.accelerator ? { accelerator: opts.accelerator } : {}),
      }),
    );
    cloud = c;
    footprint = { netns, netnsInode: netnsInode(netns), cloudId: c.status.cloudId, bridge: c.status.bridge, home };
    opts.print(phaseLine('cloud up', phases['cloudUp'] ?? 0, `netns ${netns}, ${c.status.subnet} on ${c.status.bridge}, ${c.status.accelerator}`));
    const scenario = opts.faults ?? [];
    if (scenario.length > 0) {
      const added = await phase('faults', () => installFaults(c.client, scenario));
      opts.print(phaseLine('faults', phases['faults'] ?? 0, added.map((r) => r.id).join(', ')));
    }

    const body: LaunchBody = {
      image: opts.image, name: opts.count > 1 ? `smoke-${runId}` : `smoke-${runId}-1`, count: opts.count, cpus: 1, memoryMiB: opts.memoryMiB, diskBytes: null,
      datasource: opts.datasource, userData: [userData.toString('base64')], meta: { ...opts.meta, 'minicloud-smoke': runId }, sshKeys: [], ip: null, imdsv2: 'optional', removeOnExit: false,
    };
    const created = await phase('launch', () => c.client.launch(body));
    for (const i of created) opts.print(`smoke  launched ${i.name} (${i.id}) at ${i.ip}`);

    outcomes = await phase('boot', () =>
      watchBoot(created.map((i) => i.id), {
        client: c.client, profile, httpDatasource: flavour.delivery === 'metadata-service', deadline, graceMs: 3000, signal: opts.signal,
        onStage: (name, stage, ms) => opts.print(stageLine(name, stage, ms)),
      }),
    );
    const plan = planChecks(profile, flavour);
    await phase('checks', async () => {
      const perInstance = await Promise.all(
        outcomes.map(async (outcome) => {
          const requests = (await c.client.metadataLog({ instance: outcome.info.id, limit: 10_000 })).sort((a, b) => a.time - b.time);
          requestsById.set(outcome.info.id, requests);
          const results = await runInstanceChecks({
            outcome, plan, cloud: flavour, userChecks: opts.checks, profile, marker, requests, netns, allowDegraded: opts.allowDegraded, deadline,
            target: { ip: outcome.info.ip, user: outcome.info.sshUser, keyPath: c.status.sshKeyPath, netns },
            storedPassword: (id) => c.client.password(id),
          });
          for (const r of results) opts.print(checkLine(r));
          return results;
        }),
      );
      checks.push(...perInstance.flat());
    });
  } catch (err) {
    runError = runErrorOf(err);
    opts.print(`smoke  stopped: ${runError.message}`);
  }

  // Artifacts come from the live cloud: teardown removes its files.
  const instances: SmokeInstanceReport[] = [];
  let faults: SmokeFaultReport[] = [];
  if (cloud) {
    const c = cloud;
    await phase('artifacts', async () => {
      const all = (await c.client.metadataLog({ limit: 100_000 }).catch(() => [] as MetadataRequestRecord[])).sort((a, b) => a.time - b.time);
      await artifact('metadata-requests.ndjson', requestsNdjson(all));
      // Every rule of the cloud (minicloud.yaml's too), with the server's hit counts.
      const rules = await c.client.faults().catch((err: unknown) => {
        // A controller that died during the run: the report has no rules, and says why on stderr.
        opts.print(`smoke  cannot read the fault rules: ${isMinicloudError(err) ? err.message : String(err)}`);
        return [];
      });
      faults = faultReports(rules, all);
      for (const f of faults) opts.print(`smoke  ${faultSummary(f)}`);
      const dnsmasqLog = join(cloudLayout(home).networkDir, 'dnsmasq.log');
      if (existsSync(dnsmasqLog)) {
        await copyFile(dnsmasqLog, join(artifactsDir, 'dnsmasq.log'));
        artifactFiles.push('dnsmasq.log');
      }
      const list = outcomes.length > 0 ? outcomes.map((o) => o.info) : await c.client.list().then((l) => Promise.all(l.map((i) => c.client.info(i.id)))).catch(() => []);
      for (const info of list) {
        const consoleText = (await c.client.console(info.id, 0).catch(() => ({ data: Buffer.alloc(0) }))).data.toString('utf8');
        await artifact(`console-${info.name}.log`, consoleText);
        const fresh = await c.client.info(info.id).catch(() => info);
        instances.push({
          id: info.id, uuid: info.uuid, name: info.name, ip: info.ip, stageDurations: fresh.stageDurations,
          consoleTail: consoleText.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-TAIL_LINES),
          metadataRequests: (requestsById.get(info.id) ?? all.filter((r) => r.instanceId === info.id)).slice(-TAIL_LINES),
        });
      }
    });
  }

  const failedRun = runError !== null || checks.some((c) => c.status === 'failed');
  let leftovers: string[] = [];
  if (cloud && opts.keepOnFailure && failedRun) {
    checks.push(skipped('teardown', 'cloud', 'kept with --keep-on-failure'));
    opts.print(`smoke  kept the cloud for inspection: MINICLOUD_HOME=${home} minicloud ls | ssh ID | down (then: rm -r ${home})`);
  } else {
    const c = cloud;
    let teardownError: string | null = null;
    await phase('teardown', async () => {
      if (!c) return;
      try {
        await c.client.removeAll();
        const { forced } = await c.stop(60_000);
        if (forced) teardownError = 'the controller did not exit within 60 s of `down` and was killed';
      } catch (err) {
        teardownError = isMinicloudError(err) ? err.message : String(err);
        await c.stop(10_000).catch((e: unknown) => (teardownError += `; stop: ${String(e)}`));
      }
    });
    leftovers = await phase('verify', () => findLeftovers(footprint ?? { netns, netnsInode: null, cloudId: `smoke-${runId}-never-started`, bridge: netns, home }));
    const what = [...(teardownError ? [teardownError] : []), ...leftovers];
    const verifyMs = (phases['teardown'] ?? 0) + (phases['verify'] ?? 0);
    checks.push(what.length === 0 ? passed('teardown', 'cloud', verifyMs, 'nothing left: netns, links, rules, processes, overlays') : failed('teardown', 'cloud', verifyMs, errors.smokeLeftovers, what.join('; ')));
    opts.print(checkLine(checks[checks.length - 1]!));
    if (leftovers.length === 0) await rm(home, { recursive: true, force: true });
  }

  for (const f of ['report.json', 'junit.xml']) artifactFiles.push(f);
  const report = buildSmokeReport({
    runId, image: opts.image, profile: { name: profile.name, reason }, datasource: opts.datasource, count: opts.count,
    accelerator: cloud?.status.accelerator ?? null, netns, startedAt: new Date(started).toISOString(), wallMs: Date.now() - started,
    phases, instances, checks, faults, leftovers, artifacts: { dir: artifactsDir, files: artifactFiles }, runError,
  });
  const json = JSON.stringify(report, null, 2) + '\n';
  const xml = junitXml(report);
  await writeFile(join(artifactsDir, 'report.json'), json);
  await writeFile(join(artifactsDir, 'junit.xml'), xml);
  if (opts.reportPath) await writeFile(opts.reportPath, json);
  if (opts.junitPath) await writeFile(opts.junitPath, xml);
  opts.print(summaryLine(report));
  return report;
}
