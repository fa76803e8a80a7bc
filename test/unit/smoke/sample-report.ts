import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import { errors } from '../../../src/errors/catalogue.js';
import { failed, passed, skipped } from '../../../src/smoke/check-result.js';
import { PROFILES } from '../../../src/smoke/profiles.js';
import { faultReports } from '../../../src/smoke/smoke-faults.js';
import type { SmokeReportInput } from '../../../src/smoke/smoke-report.js';

const t0 = Date.UTC(2026, 0, 2, 3, 4, 5);

const sampleRequests: MetadataRequestRecord[] = [
  { time: t0 + 4000, instanceId: 'i-0123456789abcdef0', sourceIp: '10.250.0.10', method: 'GET', path: '/2009-04-04/meta-data/instance-id', status: 500, bytes: 0, latencyMs: 0.3, userAgent: 'curl/7.86.0 (minicirros)', tokenUsed: false, flavour: 'ec2', fault: 'f1' },
  { time: t0 + 4100, instanceId: 'i-0123456789abcdef0', sourceIp: '10.250.0.10', method: 'GET', path: '/2009-04-04/meta-data/instance-id', status: 200, bytes: 19, latencyMs: 1.2, userAgent: 'curl/7.86.0 (minicirros)', tokenUsed: false, flavour: 'ec2', fault: null },
  { time: t0 + 4300, instanceId: 'i-0123456789abcdef0', sourceIp: '10.250.0.10', method: 'GET', path: '/2009-04-04/user-data', status: 200, bytes: 31, latencyMs: 0.8, userAgent: 'curl/7.86.0 (minicirros)', tokenUsed: false, flavour: 'ec2', fault: null },
];

/**
 * A failed minicirros run: the user-data script exited 3; a fault scenario answered its first
 * instance-id request 500 (f1, spent) and never delayed a token PUT (f2). Deterministic, for the
 * golden files.
 */
export function sampleInput(): SmokeReportInput {
  const inst = 'smoke-1';
  return {
    runId: 'ab12cd',
    image: 'minicirros',
    profile: { name: 'minicirros', reason: 'image name minicirros contains "minicirros"' },
    datasource: 'ec2',
    count: 1,
    accelerator: 'tcg',
    netns: 'mcsmoke-ab12cd',
    startedAt: new Date(t0).toISOString(),
    wallMs: 13_456,
    phases: { cloudUp: 1200, faults: 5, launch: 150, boot: 9100, checks: 900, artifacts: 40, teardown: 2000, verify: 60 },
    instances: [
      {
        id: 'i-0123456789abcdef0',
        uuid: '6f1c3a0e-2b7d-4c59-9a51-0d7e8f9a1b2c',
        name: inst,
        ip: '10.250.0.10',
        stageDurations: { booting: 2100, dhcp: 3000, metadata: 4100, userdata: 4300, ssh: 6500, ready: 6500 },
        consoleTail: ['minicirros: running user-data', 'about to fail <&> \u001b[1mbold\u001b[0m ]]> \u0007', 'minicirros: user-data exited 3', 'smoke-1 login:'],
        metadataRequests: sampleRequests,
      },
    ],
    checks: [
      passed('boot', inst, 2100, 'first console output 2.1 s after start'),
      passed('dhcp', inst, 3000, 'leased 10.250.0.10'),
      passed('metadata', inst, 4100, '3 requests, first GET /2009-04-04/meta-data/instance-id'),
      failed('userdata', inst, 4300, errors.smokeGuestInitError, inst, 'the user-data script exited 3 (console: "minicirros: user-data exited 3")'),
      passed('ssh', inst, 6500, 'cirros@10.250.0.10 accepted the cloud key'),
      passed('local-ipv4', inst, 310, 'metadata local-ipv4 10.250.0.10 = lease 10.250.0.10'),
      skipped('password', inst, 'the password POST is an OpenStack API (use --datasource openstack)'),
      skipped('cloud-init', inst, `the ${PROFILES.minicirros.name} profile has no cloud-init`),
      passed('console-log', inst, 0, '1234 bytes'),
      failed('console:/never "here"/', inst, 0, errors.smokeCheckFailed, inst, 'console:/never "here"/', 'no console line matches /never "here"/'),
      passed('teardown', 'cloud', 60, 'nothing left: netns, links, rules, processes, overlays'),
    ],
    faults: faultReports(
      [
        { id: 'f1', instance: null, path: '/*/meta-data/**', method: 'GET', cloud: null, action: { kind: 'status', status: 500, body: '' }, limit: { kind: 'times', times: 1 }, addedAt: t0 + 1200, hits: 1, firstHitAt: t0 + 4000, state: 'spent' },
        { id: 'f2', instance: 'smoke-1', path: '/latest/api/token', method: 'PUT', cloud: null, action: { kind: 'delay', delayMs: 2000 }, limit: { kind: 'always' }, addedAt: t0 + 1200, hits: 0, firstHitAt: null, state: 'active' },
      ],
      sampleRequests,
    ),
    leftovers: [],
    artifacts: { dir: '/tmp/artifacts', files: ['console-smoke-1.log', 'metadata-requests.ndjson', 'dnsmasq.log', 'user-data', 'report.json', 'junit.xml'] },
    runError: null,
  };
}
