import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstance, GUEST_IP, harness, STRANGER_IP, type Harness } from './metadata-test-kit.js';

describe('EC2 API', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  it('lists the versions at / (no trailing newline, no slashes) and answers every one', async () => {
    h = await harness();
    const root = await h.req('/');
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toBe('text/plain');
    const versions = root.body.split('\n');
    expect(versions).toEqual([
      '1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01',
      '2009-04-04', '2016-09-02', '2018-09-24', '2021-03-23', 'latest',
    ]);
    for (const v of versions) {
      expect((await h.req(`/${v}`)).statusCode).toBe(200);
      expect((await h.req(`/${v}/meta-data/instance-id`)).body).toBe('i-0123456789abcdef0');
    }
  });

  it('answers 404 for unknown versions and paths', async () => {
    h = await harness();
    for (const url of ['/9999-99-99', '/9999-99-99/meta-data/instance-id', '/2010-01-01/meta-data/', '/latest/meta-data/nope', '/latest/meta-data/instance-id/more', '/latest/nope']) {
      const res = await h.req(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toContain('MC_ERR_METADATA_NOT_FOUND');
    }
  });

  it('tolerates duplicate and trailing slashes the way real clients send them', async () => {
    h = await harness();
    for (const url of ['//latest/meta-data/instance-id', '/latest//meta-data/instance-id', '/latest/meta-data//instance-id', '/latest/meta-data/instance-id/']) {
      const res = await h.req(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe('i-0123456789abcdef0');
    }
    expect((await h.req('//latest/meta-data/')).body).toBe((await h.req('/latest/meta-data')).body);
  });

  it('answers HEAD like GET without a body, with Content-Type and Content-Length', async () => {
    h = await harness();
    const get = await h.req('/latest/meta-data/local-ipv4');
    const head = await h.req('/latest/meta-data/local-ipv4', { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(GUEST_IP)));
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
  });

  it('serves user-data as the raw bytes given, application/octet-stream', async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x0a]);
    h = await harness([fixtureInstance({ userData: bytes })]);
    const res = await h.req('/latest/user-data');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect([...res.rawPayload]).toEqual([...bytes]);
    expect((await h.req('/2009-04-04')).body).toBe('dynamic/\nmeta-data/\nuser-data');
  });

  it('serves the instance identity document as JSON with RFC 3339 pendingTime', async () => {
    h = await harness();
    expect((await h.req('/latest/dynamic')).body).toBe('instance-identity/');
    expect((await h.req('/2021-03-23/dynamic/instance-identity')).body).toBe('document');
    const doc = JSON.parse((await h.req('/latest/dynamic/instance-identity/document')).body) as Record<string, unknown>;
    expect(doc).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      region: 'minicloud-1',
      availabilityZone: 'nova',
      privateIp: GUEST_IP,
      imageId: 'ami-00000001',
      instanceType: 'm1.small',
      accountId: '123456789012',
      pendingTime: '2023-11-14T22:13:20Z',
      version: '2017-09-30',
    });
  });

  it('serves exactly one IAM role with the fields the SDKs require', async () => {
    h = await harness();
    const role = (await h.req('/latest/meta-data/iam/security-credentials/')).body;
    expect(role).toBe('minicloud-test-role');
    const creds = JSON.parse((await h.req(`/latest/meta-data/iam/security-credentials/${role}`)).body) as Record<string, unknown>;
    expect(creds).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: 'ASIAMINICLOUDTEST000', Expiration: '2030-01-01T00:00:00Z' });
    for (const field of ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration', 'LastUpdated']) expect(typeof creds[field]).toBe('string');
    const info = JSON.parse((await h.req('/latest/meta-data/iam/info')).body) as Record<string, unknown>;
    expect(info['InstanceProfileArn']).toBe('arn:aws:iam::123456789012:instance-profile/minicloud-test-role');
  });

  it('serves the cloud default role to instances without one, when configured', async () => {
    const role = { name: 'default-role', accessKeyId: 'AKIADEFAULT', secretAccessKey: 's', token: 't', expiration: '2031-01-01T00:00:00Z' };
    h = await harness([fixtureInstance({ iamRole: null })], { iamDefaults: { role, accountId: '000000000042' } });
    expect((await h.req('/latest/meta-data/iam/security-credentials/')).body).toBe('default-role');
    expect((await h.req('/latest/meta-data/network/interfaces/macs/52:54:00:12:34:56/owner-id')).body).toBe('000000000042');
  });

  it('identifies the instance by TCP source address only', async () => {
    h = await harness();
    const unknown = await h.req('/latest/meta-data/instance-id', { remoteAddress: STRANGER_IP, headers: { 'x-forwarded-for': GUEST_IP } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(unknown.body).toBe(`no instance has the source address ${STRANGER_IP} [MC_ERR_METADATA_UNKNOWN_SOURCE]\n`);
    // A guest cannot claim another instance's address with X-Forwarded-For.
    const spoof = await h.req('/latest/meta-data/instance-id', { remoteAddress: '10.254.254.11', headers: { 'x-forwarded-for': GUEST_IP } });
    expect(spoof.body).toBe('i-00000000000000002');
    // IPv4-mapped IPv6 (a dual-stack listener) is folded to the IPv4 address.
    const mapped = await h.req('/latest/meta-data/instance-id', { remoteAddress: `::ffff:${GUEST_IP}` });
    expect(mapped.body).toBe('i-0123456789abcdef0');
  });

  it('sees instance changes at once (views are keyed by the store revision)', async () => {
    h = await harness();
    expect((await h.req('/latest/meta-data/hostname')).body).toBe('web-1');
    h.instances.updateInstance(fixtureInstance({ hostname: 'renamed' }));
    expect((await h.req('/latest/meta-data/hostname')).body).toBe('renamed');
    h.instances.deleteInstance('i-0123456789abcdef0');
    expect((await h.req('/latest/meta-data/hostname')).statusCode).toBe(404);
  });
});
