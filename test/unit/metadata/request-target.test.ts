import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstance, listeningHarness, type Harness } from './metadata-test-kit.js';
import { rawExchange } from './raw-connection.js';

const CREDENTIALS = '/latest/meta-data/iam/security-credentials/minicloud-test-role';

/** Request targets that name no tree path, sent as raw bytes (inject would normalise them). */
describe('request targets that are not tree paths', () => {
  let h: (Harness & { port: number }) | undefined;
  afterEach(async () => {
    await h?.app.close();
    h = undefined;
  });

  const ask = (target: string, method = 'GET') =>
    rawExchange(h?.port ?? 0, `${method} ${target} HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n`);

  it('answers 404 to an encoded slash (%2F is a character of a segment, not a separator), and logs it', async () => {
    h = await listeningHarness([fixtureInstance({ ip: '127.0.0.1' })]);
    expect(await ask(CREDENTIALS)).toMatch(/^HTTP\/1\.1 200 [\s\S]*AccessKeyId/);
    for (const target of [
      '/latest%2Fmeta-data%2Fiam%2Fsecurity-credentials%2Fminicloud-test-role',
      '/latest/meta-data%2fiam/security-credentials/minicloud-test-role',
      '/latest/meta-data/iam%2F',
      '/openstack/latest%2Fmeta_data.json',
      '/nocloud/i-0123456789abcdef0%2Fmeta-data',
    ]) {
      const answer = await ask(target);
      expect(answer, target).toMatch(/^HTTP\/1\.1 404 /);
      expect(answer, target).toContain('[MC_ERR_METADATA_NOT_FOUND]');
      expect(answer, target).not.toContain('AccessKeyId');
    }
    // An encoded slash in the query string is not in the path.
    expect(await ask('/latest/meta-data/instance-id?next=%2Flatest')).toMatch(/^HTTP\/1\.1 200 /);
    const log = h.requestLog.query({});
    expect(log.filter((r) => r.status === 404)).toHaveLength(5);
    expect(log.at(-2)).toMatchObject({ path: '/nocloud/i-0123456789abcdef0%2Fmeta-data', status: 404, instanceId: 'i-0123456789abcdef0' });
  });

  it('answers 400 to the request-target * (any method), and logs it', async () => {
    h = await listeningHarness([fixtureInstance({ ip: '127.0.0.1' })]);
    for (const method of ['GET', 'OPTIONS', 'HEAD']) {
      const answer = await ask('*', method);
      expect(answer, method).toMatch(/^HTTP\/1\.1 400 /);
      if (method !== 'HEAD') expect(answer, method).toContain('[MC_ERR_METADATA_BAD_REQUEST]');
      expect(answer, method).not.toContain('latest');
    }
    expect(h.requestLog.query({}).map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '*', 400],
      ['OPTIONS', '*', 400],
      ['HEAD', '*', 400],
    ]);
  });

  it('still serves the absolute-form target clients may send to a proxy', async () => {
    h = await listeningHarness([fixtureInstance({ ip: '127.0.0.1' })]);
    const answer = await ask('http://169.254.169.254/latest/meta-data/instance-id');
    expect(answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*\r\n\r\ni-0123456789abcdef0$/);
  });
});
