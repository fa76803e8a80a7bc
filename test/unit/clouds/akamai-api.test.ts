import { afterEach, describe, expect, it } from 'vitest';
import { linodeId } from '../../../src/clouds/akamai/akamai-documents.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { fixtureInstance, harness, type Harness } from '../metadata/metadata-test-kit.js';

const AKAMAI_IP = '10.254.254.50';

/** A second Akamai guest, for isolation and no-user-data cases. */
const SECOND = { id: 'i-0000000000000000f', uuid: '0a0b0c0d-0000-4000-8000-00000000000f', name: 'linode-2', hostname: 'linode-2', ip: '10.254.254.51', mac: '52:54:00:ab:cd:0f' };

function akamaiInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000e', uuid: '0A0B0C0D-0000-4000-8000-00000000000E', name: 'linode-1', hostname: 'linode-1', mac: '52:54:00:ab:cd:0e', ip: AKAMAI_IP, datasource: 'akamai', ...over });
}

describe('Akamai metadata API', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const req = (url: string, opts: { method?: 'GET' | 'PUT' | 'POST'; headers?: Record<string, string>; remoteAddress?: string } = {}) => h.req(url, { remoteAddress: AKAMAI_IP, ...opts });
  const token = async (headers: Record<string, string> = { 'metadata-token-expiry-seconds': '300' }): Promise<string> => {
    const res = await req('/v1/token', { method: 'PUT', headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };

  it('PUT /v1/token as cloud-init sends it, then /v1/instance as JSON (golden): id = the Linode id = the SMBIOS serial', async () => {
    h = await harness([fixtureInstance(), akamaiInstance()]);
    const t = await token();
    expect(t).toMatch(/^[A-Za-z0-9_-]{54}$/);
    const res = await req('/v1/instance', { headers: { accept: 'application/json', 'metadata-token': t } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(`${JSON.stringify(JSON.parse(res.body), null, 2)}\n`).toMatchFileSnapshot('../../../fixtures/clouds/akamai/instance.json');
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    expect(doc['id']).toBe(linodeId(akamaiInstance().id));
    expect(doc['label']).toBe('linode-1');
  });

  it('/v1/user-data is the user-data base64-encoded; 204 when there is none', async () => {
    const bytes = new Uint8Array([0x23, 0x21, 0x00, 0xff, 0x0a]);
    h = await harness([akamaiInstance({ userData: bytes }), akamaiInstance({ ...SECOND, userData: null })]);
    const res = await req('/v1/user-data', { headers: { 'metadata-token': await token() } });
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'text/plain']);
    expect(Buffer.from(res.body, 'base64')).toEqual(Buffer.from(bytes));
    const t2 = (await req('/v1/token', { method: 'PUT', remoteAddress: SECOND.ip })).body;
    const none = await req('/v1/user-data', { remoteAddress: SECOND.ip, headers: { 'metadata-token': t2 } });
    expect([none.statusCode, none.body]).toEqual([204, '']);
  });

  it('text/plain without Accept: application/json; /v1/network and /v1/ssh-keys too', async () => {
    h = await harness([akamaiInstance()]);
    const t = await token();
    const text = await req('/v1/instance', { headers: { 'metadata-token': t } });
    expect([text.statusCode, text.headers['content-type']]).toEqual([200, 'text/plain']);
    expect(text.body).toMatch(new RegExp(`^id: ${linodeId(akamaiInstance().id)}$`, 'm'));
    expect(text.body).toMatch(/^backups\.enabled: false$/m);
    const net = await req('/v1/network', { headers: { 'metadata-token': t, accept: 'application/json' } });
    expect(JSON.parse(net.body)).toMatchObject({ ipv4: { public: [`${AKAMAI_IP}/32`], private: [], shared: [] }, vlans: [] });
    expect((await req('/v1/network', { headers: { 'metadata-token': t } })).body).toMatch(new RegExp(`^ipv4\\.public: ${AKAMAI_IP}/32$`, 'm'));
    const keys = await req('/v1/ssh-keys', { headers: { 'x-metadata-token': t, accept: 'application/json' } });
    expect(JSON.parse(keys.body)).toEqual({ users: { root: akamaiInstance().publicKeys.map((k) => k.key) } });
  });

  it('401 without a token, with a forged one, another instance\'s, or an expired one', async () => {
    h = await harness([akamaiInstance(), akamaiInstance(SECOND)]);
    const t = await token();
    const other = (await req('/v1/token', { method: 'PUT', remoteAddress: SECOND.ip })).body;
    for (const headers of [{}, { 'metadata-token': 'x'.repeat(54) }, { 'metadata-token': other }] as Record<string, string>[]) {
      const res = await req('/v1/instance', { headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.body).toContain('[MC_ERR_AKAMAI_TOKEN]');
    }
    expect((await req('/v1/user-data', { headers: {} })).statusCode).toBe(401);
    expect((await req('/v1/instance', { headers: { 'metadata-token': t } })).statusCode).toBe(200);
    h.clock.advance(301_000);
    expect((await req('/v1/instance', { headers: { 'metadata-token': t } })).statusCode).toBe(401);
  });

  it('the token lifetime: 3600 s when not asked, 400 outside 1-86400; PUT only', async () => {
    h = await harness([akamaiInstance()]);
    const t = await token({});
    h.clock.advance(3_599_000);
    expect((await req('/v1/instance', { headers: { 'metadata-token': t } })).statusCode).toBe(200);
    for (const bad of ['0', '86401', 'soon', '-5']) {
      const res = await req('/v1/token', { method: 'PUT', headers: { 'metadata-token-expiry-seconds': bad } });
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).toContain('[MC_ERR_AKAMAI_TOKEN_EXPIRY]');
    }
    const get = await req('/v1/token');
    expect([get.statusCode, get.headers['allow']]).toEqual([405, 'PUT']);
  });

  it('other paths 404; another cloud\'s guest gets none of it', async () => {
    h = await harness([fixtureInstance(), akamaiInstance()]);
    for (const path of ['/', '/v1', '/v2/instance', '/latest/meta-data/', '/conf']) expect((await req(path)).statusCode, path).toBe(404);
    expect((await req('/v1/token', { method: 'PUT', remoteAddress: fixtureInstance().ip })).statusCode).toBe(404);
  });
});
