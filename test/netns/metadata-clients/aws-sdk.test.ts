import { join, resolve } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeRequests, type LoggedRequest } from '../../helpers/metadata-serve-process.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useClientWorld, type ClientWorld } from './client-world.js';
import { CLIENT_FIXTURES, type FixtureInstance } from './fixture-instance.js';

// The AWS JS SDK v3 metadata clients, unmodified and unconfigured (default endpoint
// http://169.254.169.254), each run as its own node process inside the namespace.
const ROOT = resolve(import.meta.dirname, '../../..');
const CLIENT = join(ROOT, 'test/netns/metadata-clients/aws-sdk-client.ts');

type ClientMode = 'instance-id' | 'instance-id-v1-only' | 'credentials' | 'cloud-events';

interface ClientRun {
  output: Record<string, unknown>;
  requests: LoggedRequest[];
  context: string;
}

async function runSdkClient(world: ClientWorld, mode: ClientMode, env: Record<string, string> = {}): Promise<ClientRun> {
  const mark = await world.server.mark();
  // A clean environment: no AWS_* from the host, and HOME without ~/.aws, so only what the test
  // sets reaches the SDK's config loaders.
  const envArgs = Object.entries({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: world.scratch, ...env }).map(
    ([k, v]) => `${k}=${v}`,
  );
  const r = await world.ns.runStatus(
    'env',
    ['-i', ...envArgs, process.execPath, '--import', 'tsx', CLIENT, mode],
    { timeoutMs: 60_000 },
  );
  const requests = await world.server.requestsAfter(mark);
  const context = `${mode} ${JSON.stringify(env)} exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n--- requests ---\n${describeRequests(requests)}`;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const output = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { ok: false, error: 'no JSON output' };
  return { output, requests, context };
}

function expectedCredentials(instance: FixtureInstance): Record<string, unknown> {
  const role = instance.iamRole;
  if (!role) throw new Error('the client fixture must give the instance an IAM role');
  return {
    accessKeyId: role.accessKeyId,
    secretAccessKey: role.secretAccessKey,
    sessionToken: role.token,
    expiration: new Date(role.expiration).toISOString(),
  };
}

function expectNo4xx(run: ClientRun): void {
  expect(run.requests.filter((r) => r.status >= 400 && r.status < 500), run.context).toEqual([]);
}

const REQUIREMENTS = { root: true, commands: ['ip', 'curl'] };

describeWhen(REQUIREMENTS, 'AWS SDK metadata clients, IMDSv1 allowed', () => {
  const get = useClientWorld('mcsdk', CLIENT_FIXTURES.imdsv1Allowed);

  it('@aws-sdk/ec2-metadata-service MetadataService reads instance-id', async () => {
    const { world, instance } = get();
    const run = await runSdkClient(world, 'instance-id');
    expect(run.output, run.context).toEqual({ ok: true, instanceId: instance.id });
    expectNo4xx(run);
  });

  it('MetadataService with disableFetchToken reads instance-id over plain IMDSv1 (no token)', async () => {
    const { world, instance } = get();
    const run = await runSdkClient(world, 'instance-id-v1-only');
    expect(run.output, run.context).toEqual({ ok: true, instanceId: instance.id });
    expectNo4xx(run);
    expect(run.requests.map((r) => [r.method, r.tokenUsed]), run.context).toEqual([['GET', false]]);
  });

  it('@aws-sdk/credential-provider-imds fromInstanceMetadata returns the role credentials', async () => {
    const { world, instance } = get();
    const run = await runSdkClient(world, 'credentials');
    expect(run.output, run.context).toEqual({ ok: true, credentials: expectedCredentials(instance) });
    expectNo4xx(run);
  });
});

describeWhen(REQUIREMENTS, 'AWS SDK metadata clients, AWS_EC2_METADATA_V1_DISABLED=true and IMDSv2 required', () => {
  const V1_DISABLED = { AWS_EC2_METADATA_V1_DISABLED: 'true' };
  const get = useClientWorld('mcsdk2', CLIENT_FIXTURES.imdsv2Required);

  function expectTokenOnEveryGet(run: ClientRun): void {
    expect(run.requests.some((r) => r.method === 'PUT' && r.path === '/latest/api/token' && r.status === 200), run.context).toBe(true);
    const gets = run.requests.filter((r) => r.method === 'GET');
    expect(gets.length, run.context).toBeGreaterThan(0);
    expect(gets.filter((r) => !r.tokenUsed), run.context).toEqual([]);
  }

  it('MetadataService reads instance-id with a session token', async () => {
    const { world, instance } = get();
    const run = await runSdkClient(world, 'instance-id', V1_DISABLED);
    expect(run.output, run.context).toEqual({ ok: true, instanceId: instance.id });
    expectNo4xx(run);
    expectTokenOnEveryGet(run);
  });

  it('fromInstanceMetadata returns the role credentials with a session token', async () => {
    const { world, instance } = get();
    const run = await runSdkClient(world, 'credentials', V1_DISABLED);
    expect(run.output, run.context).toEqual({ ok: true, credentials: expectedCredentials(instance) });
    expectNo4xx(run);
    expectTokenOnEveryGet(run);
  });

  it('the server enforces "required": a token-less IMDSv1 GET is refused with 401', async () => {
    const { world } = get();
    const run = await runSdkClient(world, 'instance-id-v1-only');
    expect(run.output['ok'], run.context).toBe(false);
    expect(run.requests.map((r) => [r.method, r.status, r.tokenUsed]), run.context).toEqual([['GET', 401, false]]);
  });
});

describeWhen(REQUIREMENTS, 'AWS SDK metadata clients read cloud events from metadata serve (IMDSv2 required)', () => {
  // The fixture's events count from the server's start, which lies between these two moments.
  let before = 0;
  beforeAll(() => {
    before = Date.now();
  });
  const get = useClientWorld('mcsdkev', CLIENT_FIXTURES.events);
  const MINUTE = 60_000;

  it('MetadataService reads the spot instance-action and the scheduled maintenance, in the shapes AWS documents', async () => {
    const { world } = get();
    const run = await runSdkClient(world, 'cloud-events', { AWS_EC2_METADATA_V1_DISABLED: 'true' });
    const after = Date.now();
    expect(run.output['ok'], run.context).toBe(true);
    expectNo4xx(run);
    const gets = run.requests.filter((r) => r.method === 'GET');
    // MetadataService joins its endpoint's `/` and the path's: the wire has `//latest/…` (the router folds it).
    expect(gets.map((r) => [r.path.replace(/^\/+/, '/'), r.status, r.tokenUsed]), run.context).toEqual([
      ['/latest/meta-data/spot/instance-action', 200, true],
      ['/latest/meta-data/events/maintenance/scheduled', 200, true],
    ]);

    // AWS: {"action": "terminate|stop|hibernate", "time": "2017-09-18T08:22:00Z"}, the action time in UTC.
    const spot = JSON.parse(String(run.output['spotInstanceAction'])) as Record<string, unknown>;
    expect(Object.keys(spot), run.context).toEqual(['action', 'time']);
    expect(spot['action']).toBe('stop');
    expect(spot['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const time = Date.parse(String(spot['time']));
    expect(time).toBeGreaterThanOrEqual(Math.floor((before + 10 * MINUTE) / 1000) * 1000);
    expect(time).toBeLessThanOrEqual(after + 10 * MINUTE);

    // AWS: a list of {NotBefore, Code, Description, EventId, NotAfter, State}, times like "21 Jan 2019 09:00:43 GMT".
    const scheduled = JSON.parse(String(run.output['maintenanceScheduled'])) as Record<string, unknown>[];
    expect(scheduled, run.context).toHaveLength(1);
    const event = scheduled[0] ?? {};
    expect(Object.keys(event)).toEqual(['NotBefore', 'Code', 'Description', 'EventId', 'NotAfter', 'State']);
    expect(event).toMatchObject({ Code: 'instance-stop', Description: 'The instance is running on degraded hardware', EventId: 'instance-event-0123456789abcdef0', State: 'active' });
    const gmt = /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/;
    expect(event['NotBefore']).toMatch(gmt);
    expect(event['NotAfter']).toMatch(gmt);
    const notBefore = Date.parse(String(event['NotBefore']));
    expect(notBefore).toBeGreaterThanOrEqual(Math.floor((before + 60 * MINUTE) / 1000) * 1000);
    expect(notBefore).toBeLessThanOrEqual(after + 60 * MINUTE);
    expect(Date.parse(String(event['NotAfter'])) - notBefore).toBe(120 * MINUTE);

    // The server said what it plays (stderr).
    expect(world.server.output()).toMatch(/minicloud: event: client-events instance-event-[0-9a-f]{17} scheduled: spot stop at /);
    expect(world.server.output()).toContain('minicloud: event: client-events instance-event-0123456789abcdef0 scheduled: maintenance instance-stop ');
  });
});
