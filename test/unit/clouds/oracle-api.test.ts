import { afterEach, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance, GUEST_IP, harness, type Harness } from '../metadata/metadata-test-kit.js';

const ORACLE_IP = '10.254.254.20';
const AUTH = { authorization: 'Bearer Oracle' };

/** The fixture instance as an OCI guest (every optional part present). */
function oracleInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000a', uuid: '0a0b0c0d-0000-4000-8000-00000000000a', name: 'oci-1', hostname: 'oci-1', mac: '52:54:00:ab:cd:0a', ip: ORACLE_IP, datasource: 'oracle', ...over });
}

describe('Oracle (OCI) instance metadata API', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, headers: Record<string, string> = AUTH) => h.req(url, { remoteAddress: ORACLE_IP, headers });

  it('serves /opc/v2/instance/ as OCI prints it (golden): OCID, names, metadata with keys and base64 user-data', async () => {
    h = await harness([fixtureInstance(), oracleInstance()]);
    const res = await get('/opc/v2/instance/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(`${res.body}\n`).toMatchFileSnapshot('../../../fixtures/clouds/oracle/opc-v2-instance.json');
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    const instance = oracleInstance();
    expect(doc['id']).toMatch(/^ocid1\.instance\.oc1\.min\.an[a-z2-7]{58}$/);
    expect(doc).toMatchObject({ hostname: 'oci-1', displayName: 'oci-1', ociAdName: instance.availabilityZone, canonicalRegionName: instance.region, state: 'Running' });
    const metadata = doc['metadata'] as Record<string, string>;
    expect(Buffer.from(metadata['user_data'] ?? '', 'base64')).toEqual(Buffer.from(instance.userData ?? []));
    expect(metadata['ssh_authorized_keys']).toBe(instance.publicKeys.map((k) => k.key).join('\n'));
    // Custom metadata beside OCI's own keys, as `--metadata` keys are served.
    expect(metadata).toMatchObject({ role: 'web', tier: 'frontend' });
    // Jackson's layout, as OCI prints it.
    expect(res.body).toContain('\n  "displayName" : "oci-1",\n');
  });

  it('serves /opc/v2/vnics/ with the guest\'s real MAC (upper-case, as OCI), its address, subnet and router (golden)', async () => {
    h = await harness([oracleInstance()]);
    const res = await get('/opc/v2/vnics/');
    expect(res.statusCode).toBe(200);
    await expect(`${res.body}\n`).toMatchFileSnapshot('../../../fixtures/clouds/oracle/opc-v2-vnics.json');
    expect(JSON.parse(res.body)).toEqual([
      expect.objectContaining({ macAddr: '52:54:00:AB:CD:0A', privateIp: ORACLE_IP, subnetCidrBlock: '10.254.254.0/24', virtualRouterIp: '10.254.254.1', vnicId: expect.stringMatching(/^ocid1\.vnic\.oc1\./) as unknown }),
    ]);
    expect(res.body.startsWith('[ {\n  "vnicId" : ')).toBe(true);
  });

  it('v2 without `Authorization: Bearer Oracle` is 401, with another value too; a forwarded request is 403', async () => {
    h = await harness([oracleInstance()]);
    for (const headers of [{}, { authorization: 'Bearer oracle' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
      const res = await get('/opc/v2/instance/', headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.body).toContain('[MC_ERR_OPC_AUTHORIZATION]');
    }
    expect((await get('/opc/v2/vnics/0/privateIp', {})).statusCode).toBe(401);
    for (const header of ['x-forwarded-for', 'forwarded', 'x-forwarded-host']) {
      const res = await get('/opc/v2/instance/', { ...AUTH, [header]: '10.0.0.1' });
      expect(res.statusCode, header).toBe(403);
      expect(res.body).toContain('[MC_ERR_OPC_FORWARDED]');
    }
  });

  it('the legacy /opc/v1/ needs no header and serves the same documents (cloud-init falls back to it)', async () => {
    h = await harness([oracleInstance()]);
    for (const doc of ['instance', 'vnics']) {
      const v1 = await get(`/opc/v1/${doc}/`, {});
      expect(v1.statusCode).toBe(200);
      expect(v1.body).toBe((await get(`/opc/v2/${doc}/`)).body);
    }
    expect((await get('/opc/v1/vnics/0/privateIp', {})).body).toBe(ORACLE_IP);
  });

  it('an instance with imdsv2: required has the legacy endpoints disabled, as OCI with IMDSv1 off (404)', async () => {
    h = await harness([oracleInstance({ imdsv2: 'required' })]);
    expect((await get('/opc/v1/instance/', {})).statusCode).toBe(404);
    expect((await get('/opc/v1/vnics/', {})).statusCode).toBe(404);
    expect((await get('/opc/v2/instance/')).statusCode).toBe(200);
  });

  it('serves any path inside the documents: values as plain text, objects as JSON; the rest is 404', async () => {
    h = await harness([oracleInstance()]);
    const ip = await get('/opc/v2/vnics/0/privateIp');
    expect([ip.statusCode, ip.body, ip.headers['content-type']]).toEqual([200, ORACLE_IP, 'text/plain']);
    expect((await get('/opc/v2/vnics/0/macAddr')).body).toBe('52:54:00:AB:CD:0A');
    const doc = JSON.parse((await get('/opc/v2/instance/')).body) as Record<string, unknown>;
    expect((await get('/opc/v2/instance/id')).body).toBe(doc['id']);
    expect((await get('/opc/v2/instance/timeCreated')).body).toBe(String(oracleInstance().createdAt));
    expect((await get('/opc/v2/instance/metadata/user_data')).body).toBe(Buffer.from(oracleInstance().userData ?? []).toString('base64'));
    const regionInfo = await get('/opc/v2/instance/regionInfo');
    expect(regionInfo.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(regionInfo.body)).toEqual({ realmDomainComponent: 'oraclecloud.com', realmKey: 'oc1', regionIdentifier: 'minicloud-1', regionKey: 'MIN' });
    expect((await get('/opc/v2/instance')).body).toBe((await get('/opc/v2/instance/')).body);
    for (const path of ['/opc/v2/vnics/1', '/opc/v2/vnics/x', '/opc/v2/vnics/00', '/opc/v2/instance/nope', '/opc/v2/instance/id/more', '/opc/v2/', '/opc/v2/identity/cert.pem', '/opc/v3/instance/', '/opc/']) {
      expect((await get(path)).statusCode, path).toBe(404);
    }
  });

  it('takes GET and HEAD; another method is 405 with Allow', async () => {
    h = await harness([oracleInstance()]);
    const head = await h.req('/opc/v2/instance/', { method: 'HEAD', remoteAddress: ORACLE_IP, headers: AUTH });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength((await get('/opc/v2/instance/')).body));
    const post = await h.req('/opc/v2/instance/', { method: 'POST', remoteAddress: ORACLE_IP, headers: AUTH, payload: 'x' });
    expect(post.statusCode).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it('answers only OCI guests: an OpenStack guest gets 404 for /opc, an OCI guest 404 for the EC2 tree; requests are recorded as oracle', async () => {
    h = await harness([fixtureInstance(), oracleInstance()]);
    expect((await h.req('/opc/v2/instance/', { remoteAddress: GUEST_IP, headers: AUTH })).statusCode).toBe(404);
    expect((await get('/latest/meta-data/instance-id')).statusCode).toBe(404);
    expect((await get('/openstack/latest/meta_data.json')).statusCode).toBe(404);
    await get('/opc/v2/vnics/');
    const records = h.requestLog.query({ limit: 10 });
    expect(records.find((r) => r.path === '/opc/v2/vnics/')).toMatchObject({ flavour: 'oracle', status: 200, instanceId: oracleInstance().id });
  });

  it('a change to the instance is served at once (the memo belongs to the instance revision)', async () => {
    h = await harness([oracleInstance()]);
    expect((await get('/opc/v2/instance/hostname')).body).toBe('oci-1');
    h.instances.updateInstance(oracleInstance({ hostname: 'renamed' }));
    expect((await get('/opc/v2/instance/hostname')).body).toBe('renamed');
  });
});
