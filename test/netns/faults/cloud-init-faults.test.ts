import { expect, it } from 'vitest';
import type { SmbiosIdentity } from '../../../src/ports/hypervisor.js';
import { CLOUD_INIT_VERSIONS, DEBIAN_PYTHON } from '../../helpers/cloud-init-client.js';
import { cloudTestInstance, METADATA_ADDRESS, runCloudInitIn, useCloudWorld, userDataOf, type CloudTestInstance, type ClientOutcome } from '../../helpers/cloud-world.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { useCloudInitClient } from '../../helpers/use-cloud-init-client.js';

// cloud-init's real DataSourceOpenStack and DataSourceEc2 (22.4.2, Debian 12's; and 25.3) against
// `minicloud metadata serve --faults FILE` (docs/faults.md): what each does when the metadata service
// answers its first requests with 500s, refuses the IMDSv2 token, or is too slow. Each case gets a
// server of its own, so its rules start fresh. What cloud-init does is asserted as observed, and
// docs/faults.md ("What cloud-init does") says the same.
const REQUIREMENTS = { root: true, commands: ['ip', 'iptables', 'curl', 'apt-get', 'dpkg-deb', 'tar', DEBIAN_PYTHON] };

const FIRST_THREE_500 = [{ path: '/**', status: 500, times: 3 }];

/** A non-AWS KVM guest's DMI: cloud-init's Ec2 then skips the token and polls IMDSv1. */
function plainKvm(instance: CloudTestInstance): SmbiosIdentity {
  return { system: { uuid: instance.uuid } };
}

/** Ec2's settings of the real-client tests: the one address the test serves, and a bounded wait. */
const EC2_CONFIG = { metadata_urls: [`http://${METADATA_ADDRESS}`], strict_id: false, max_wait: 30, timeout: 5 };

function expectReadsInstance(out: ClientOutcome, instance: CloudTestInstance, instanceId: string): void {
  expect(out.result?.ok, out.context).toBe(true);
  expect(out.result?.instanceId, out.context).toBe(instanceId);
  expect(out.result?.publicKeys, out.context).toEqual(instance.publicKeys);
  expect(userDataOf(out.result), out.context).toBe(instance.userData);
}

const injected = (out: ClientOutcome) => out.requests.filter((r) => r.fault !== null);

/** The request log's lines as `METHOD PATH STATUS [fault ID]`, for exact comparisons. */
const lines = (out: ClientOutcome, n?: number): string[] => out.requests.slice(0, n).map((r) => `${r.method} ${r.path} ${r.status}${r.fault === null ? '' : ` fault ${r.fault}`}`);

for (const version of CLOUD_INIT_VERSIONS) {
  const tag = version.replace(/\D/g, '');
  const nova = cloudTestInstance('openstack');
  const ec2 = cloudTestInstance('ec2');

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceOpenStack, the first 3 requests answered 500`, () => {
    const client = useCloudInitClient(version);
    const once = useCloudWorld(`mcfo${tag}`, nova, { faults: FIRST_THREE_500 });
    const patient = useCloudWorld(`mcfw${tag}`, nova, { faults: FIRST_THREE_500 });

    it("gives up at the first 500 with its default max_wait (-1: one try), and uses no other tree", async () => {
      const out = await runCloudInitIn(once(), client(), { datasource: 'OpenStack', config: { timeout: 5 } });
      expect(out.result?.ok, out.context).toBe(false);
      expect(lines(out), out.context).toEqual(['GET /openstack 500 fault f1']);
      expect(out.context).toMatch(/Giving up on OpenStack md from \[.*'http:\/\/169\.254\.169\.254\/openstack'\] after 0 seconds/);
    });

    it('with max_wait 30 polls /openstack through the 3 injected 500s and reads the instance', async () => {
      const out = await runCloudInitIn(patient(), client(), { datasource: 'OpenStack', config: { timeout: 5, max_wait: 30 } });
      expectReadsInstance(out, nova, nova.uuid);
      expect(injected(out), out.context).toHaveLength(3);
      expect(lines(out, 4), out.context).toEqual(['GET /openstack 500 fault f1', 'GET /openstack 500 fault f1', 'GET /openstack 500 fault f1', 'GET /openstack 200']);
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceEc2 on a plain KVM guest (IMDSv1), the first 3 requests answered 500`, () => {
    const client = useCloudInitClient(version);
    const world = useCloudWorld(`mcfe${tag}`, ec2, { faults: FIRST_THREE_500 });

    it('polls instance-id through the 3 injected 500s and reads the instance', async () => {
      const out = await runCloudInitIn(world(), client(), { datasource: 'Ec2', identity: plainKvm(ec2), config: EC2_CONFIG });
      expectReadsInstance(out, ec2, ec2.id);
      expect(injected(out), out.context).toHaveLength(3);
      const poll = 'GET /2009-04-04/meta-data/instance-id';
      expect(lines(out, 4), out.context).toEqual([`${poll} 500 fault f1`, `${poll} 500 fault f1`, `${poll} 500 fault f1`, `${poll} 200`]);
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceEc2 on AWS (IMDSv2 first), the first 3 requests answered 500`, () => {
    const client = useCloudInitClient(version);
    const world = useCloudWorld(`mcfa${tag}`, ec2, { faults: FIRST_THREE_500 });

    it('takes a 500 on the token PUT as fatal: gives up after one request, no IMDSv1 fallback on AWS', async () => {
      const out = await runCloudInitIn(world(), client(), { datasource: 'Ec2', config: EC2_CONFIG });
      expect(out.result?.ok, out.context).toBe(false);
      expect(lines(out), out.context).toEqual(['PUT /latest/api/token 500 fault f1']);
      expect(out.context).toContain('Fatal error while requesting Ec2 IMDSv2 API tokens');
      expect(out.context).toContain("IMDS's HTTP endpoint is probably disabled");
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceEc2 on AWS, the token PUT answered 503 three times`, () => {
    const client = useCloudInitClient(version);
    const world = useCloudWorld(`mcf3${tag}`, ec2, { faults: [{ path: '/latest/api/token', method: 'PUT', status: 503, times: 3 }] });

    if (version === '22.4.2') {
      it('22.4.2 takes any 4xx/5xx on the token PUT as fatal: a 503 too', async () => {
        const out = await runCloudInitIn(world(), client(), { datasource: 'Ec2', config: EC2_CONFIG });
        expect(out.result?.ok, out.context).toBe(false);
        expect(lines(out), out.context).toEqual(['PUT /latest/api/token 503 fault f1']);
        expect(out.context).toContain('Fatal error while requesting Ec2 IMDSv2 API tokens');
      });
    } else {
      it('25.3 retries a 503 (as AWS throttling), gets its token after the 3 injected answers and reads the instance with it', async () => {
        const out = await runCloudInitIn(world(), client(), { datasource: 'Ec2', config: EC2_CONFIG });
        expectReadsInstance(out, ec2, ec2.id);
        expect(injected(out), out.context).toHaveLength(3);
        expect(lines(out, 4), out.context).toEqual([...Array<string>(3).fill('PUT /latest/api/token 503 fault f1'), 'PUT /latest/api/token 200']);
        expect(out.requests.filter((r) => r.method === 'GET' && !r.tokenUsed), out.context).toEqual([]);
      });
    }
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceEc2 on AWS, the token PUT refused (403) or answered too late (hop-limit-like)`, () => {
    const client = useCloudInitClient(version);
    const refused = useCloudWorld(`mcfr${tag}`, ec2, { faults: [{ path: '/latest/api/token', method: 'PUT', status: 403 }] });
    // The answer comes, but long after the client's 5 s timeout: what a PUT dropped by the hop limit looks
    // like to the guest. (With `hang`, 22.4.2's last try, sent when less than 1 s of max_wait was left,
    // had no timeout at all and held cloud-init's exit until the server closed: docs/faults.md.)
    const held = useCloudWorld(`mcfh${tag}`, ec2, { faults: [{ path: '/latest/api/token', method: 'PUT', delay: '20s' }] });

    it('403: "HTTP endpoint is disabled. Aborting.", after one request, with no IMDSv1 fallback', async () => {
      const out = await runCloudInitIn(refused(), client(), { datasource: 'Ec2', config: EC2_CONFIG });
      expect(out.result?.ok, out.context).toBe(false);
      expect(lines(out), out.context).toEqual(['PUT /latest/api/token 403 fault f1']);
      expect(out.context).toContain('Ec2 IMDS endpoint returned a 403 error. HTTP endpoint is disabled. Aborting.');
    });

    it('no answer in time: each PUT times out, retried until max_wait, then it gives up with no IMDSv1 fallback', async () => {
      const out = await runCloudInitIn(held(), client(), { datasource: 'Ec2', config: { ...EC2_CONFIG, max_wait: 12 } });
      expect(out.result?.ok, out.context).toBe(false);
      expect(out.requests.length, out.context).toBeGreaterThanOrEqual(2);
      // Status 0: the client left before the answer. 22.4.2's last try may wait for it (no timeout left): 200, too late.
      const allowed = version === '22.4.2' ? ['PUT /latest/api/token 0 fault f1', 'PUT /latest/api/token 200 fault f1'] : ['PUT /latest/api/token 0 fault f1'];
      expect(lines(out).filter((l) => !allowed.includes(l)), out.context).toEqual([]);
      expect(lines(out)[0], out.context).toBe('PUT /latest/api/token 0 fault f1');
      expect(out.context).toContain("IMDS's HTTP endpoint is probably disabled");
    });
  });

  describeWhen(REQUIREMENTS, `cloud-init ${version} DataSourceOpenStack, /openstack/** delayed 10 s (its timeout: 5 s)`, () => {
    const client = useCloudInitClient(version);
    const once = useCloudWorld(`mcfd${tag}`, nova, { faults: [{ path: '/openstack/**', delay: '10s' }] });
    const patient = useCloudWorld(`mcfp${tag}`, nova, { faults: [{ path: '/openstack/**', delay: '10s' }] });

    it('times out its one try after 5 s and gives up: no retry, no fallback to the EC2 tree', async () => {
      const out = await runCloudInitIn(once(), client(), { datasource: 'OpenStack', config: { timeout: 5 } });
      expect(out.result?.ok, out.context).toBe(false);
      // The server logs what the client saw: no answer (status 0), the client gone after its 5 s timeout.
      expect(lines(out), out.context).toEqual(['GET /openstack 0 fault f1']);
      expect(out.requests[0]?.latencyMs, out.context).toBeGreaterThan(4500);
      expect(out.requests[0]?.latencyMs, out.context).toBeLessThan(9000);
      expect(out.context).toMatch(/Giving up on OpenStack md from .* after 5 seconds/);
    });

    it('with max_wait 12 tries /openstack again until max_wait, each try timing out, then gives up', async () => {
      const out = await runCloudInitIn(patient(), client(), { datasource: 'OpenStack', config: { timeout: 5, max_wait: 12 } });
      expect(out.result?.ok, out.context).toBe(false);
      expect(out.requests.length, out.context).toBeGreaterThanOrEqual(2);
      expect(new Set(lines(out)), out.context).toEqual(new Set(['GET /openstack 0 fault f1']));
      expect(out.context).toMatch(/Giving up on OpenStack md/);
    });
  });
}
