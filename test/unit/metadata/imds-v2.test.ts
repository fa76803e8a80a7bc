import { afterEach, describe, expect, it } from 'vitest';
import { issueImdsToken, parseTokenTtl, verifyImdsToken } from '../../../src/metadata/ec2/imds-token.js';
import { bareInstance, fixtureInstance, GUEST_IP, harness, OTHER_IP, TOKEN_SECRET, type Harness } from './metadata-test-kit.js';

const TTL = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN = 'x-aws-ec2-metadata-token';

async function getToken(h: Harness, ttl = '21600', remoteAddress = GUEST_IP): Promise<string> {
  const res = await h.req('/latest/api/token', { method: 'PUT', remoteAddress, headers: { [TTL]: ttl } });
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('IMDSv2 tokens', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  it('issues a token on PUT /latest/api/token and echoes the TTL header', async () => {
    h = await harness();
    const res = await h.req('/latest/api/token', { method: 'PUT', headers: { [TTL]: '21600' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers[TTL]).toBe('21600');
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body.length).toBeGreaterThan(20);
    const get = await h.req('/latest/meta-data/instance-id', { headers: { [TOKEN]: res.body } });
    expect(get.statusCode).toBe(200);
    // A token from /latest works on every version path.
    expect((await h.req('/2009-04-04/meta-data/instance-id', { headers: { [TOKEN]: res.body } })).statusCode).toBe(200);
  });

  it('accepts TTL 1..21600 and answers 400 to a missing or invalid TTL', async () => {
    h = await harness();
    for (const ttl of ['1', '21600', ' 300 ']) expect((await h.req('/latest/api/token', { method: 'PUT', headers: { [TTL]: ttl } })).statusCode, ttl).toBe(200);
    for (const ttl of ['0', '21601', '-1', 'abc', '1e3', '', '3.5', '99999999999']) {
      const res = await h.req('/latest/api/token', { method: 'PUT', headers: { [TTL]: ttl } });
      expect(res.statusCode, ttl).toBe(400);
      expect(res.body).toContain('MC_ERR_IMDS_TOKEN_TTL');
    }
    expect((await h.req('/latest/api/token', { method: 'PUT' })).statusCode).toBe(400);
  });

  it('answers 403 to a token PUT carrying X-Forwarded-For or on a dated path, 405 to GET', async () => {
    h = await harness();
    const forwarded = await h.req('/latest/api/token', { method: 'PUT', headers: { [TTL]: '60', 'x-forwarded-for': '1.2.3.4' } });
    expect(forwarded.statusCode).toBe(403);
    expect(forwarded.body).toContain('MC_ERR_IMDS_TOKEN_FORWARDED');
    const dated = await h.req('/2021-03-23/api/token', { method: 'PUT', headers: { [TTL]: '60' } });
    expect(dated.statusCode).toBe(403);
    expect(dated.body).toContain('MC_ERR_IMDS_TOKEN_PATH');
    for (const method of ['GET', 'HEAD', 'POST', 'DELETE'] as const) {
      const res = await h.req('/latest/api/token', { method });
      expect(res.statusCode, method).toBe(405);
      expect(res.headers['allow']).toBe('PUT');
    }
  });

  it('rejects bad, forged, expired and foreign tokens with 401, even in optional mode', async () => {
    h = await harness();
    const token = await getToken(h, '60');
    for (const bad of ['nonsense', `${token}x`, token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), issueImdsToken(new Uint8Array(32), { instanceId: 'i-0123456789abcdef0', ip: GUEST_IP }, Date.UTC(2030, 0))]) {
      const res = await h.req('/latest/meta-data/instance-id', { headers: { [TOKEN]: bad } });
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('MC_ERR_IMDS_TOKEN_INVALID');
    }
    // Bound to the instance: another instance cannot use it.
    expect((await h.req('/latest/meta-data/instance-id', { remoteAddress: OTHER_IP, headers: { [TOKEN]: token } })).statusCode).toBe(401);
    // Expires with the clock.
    h.clock.advance(59_000);
    expect((await h.req('/latest/meta-data/instance-id', { headers: { [TOKEN]: token } })).statusCode).toBe(200);
    h.clock.advance(1_000);
    expect((await h.req('/latest/meta-data/instance-id', { headers: { [TOKEN]: token } })).statusCode).toBe(401);
  });

  it('requires a token per instance in required mode; optional mode allows IMDSv1', async () => {
    h = await harness([fixtureInstance({ imdsv2: 'required' }), bareInstance()]);
    const v1 = await h.req('/latest/meta-data/instance-id');
    expect(v1.statusCode).toBe(401);
    expect(v1.body).toContain('MC_ERR_IMDS_TOKEN_REQUIRED');
    expect((await h.req('/')).statusCode).toBe(401);
    expect((await h.req('/latest/meta-data/instance-id', { remoteAddress: OTHER_IP })).statusCode).toBe(200);
    const token = await getToken(h);
    expect((await h.req('/latest/meta-data/instance-id', { headers: { [TOKEN]: token } })).body).toBe('i-0123456789abcdef0');
    // The memoised answer path checks the token too.
    expect((await h.req('/latest/meta-data/instance-id')).statusCode).toBe(401);
  });

  it('token functions: TTL parsing and verification are strict', () => {
    expect(parseTokenTtl(undefined)).toBeNull();
    expect(parseTokenTtl('+5')).toBeNull();
    expect(parseTokenTtl('021600')).toBe(21600);
    const subject = { instanceId: 'i-1', ip: '10.0.0.1' };
    const t = issueImdsToken(TOKEN_SECRET, subject, 2_000);
    expect(verifyImdsToken(TOKEN_SECRET, subject, t, 1_999)).toBe(true);
    expect(verifyImdsToken(TOKEN_SECRET, subject, t, 2_000)).toBe(false);
    expect(verifyImdsToken(TOKEN_SECRET, { ...subject, ip: '10.0.0.2' }, t, 0)).toBe(false);
    expect(verifyImdsToken(TOKEN_SECRET, subject, `${t.slice(0, -1)}!`, 0)).toBe(false);
  });
});
