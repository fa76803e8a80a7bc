import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstance, harness, OTHER_IP, type Harness } from './metadata-test-kit.js';

/** random_seed is fresh per request (as in Nova); golden files hold a placeholder. */
function withStableSeed(body: string): string {
  const doc = JSON.parse(body) as Record<string, unknown>;
  if (typeof doc['random_seed'] === 'string') {
    expect(Buffer.from(doc['random_seed'], 'base64')).toHaveLength(512);
    doc['random_seed'] = '<512 random bytes, base64>';
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}

describe('OpenStack API', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  it('lists Nova versions released by today, then latest; future versions hidden but servable', async () => {
    h = await harness();
    h.clock.advance(-(h.clock.now() - Date.UTC(2024, 0, 1)));
    const listing = await h.req('/openstack');
    expect(listing.statusCode).toBe(200);
    expect(listing.body).toBe('2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\n2016-10-06\n2017-02-22\n2018-08-27\n2020-10-14\nlatest');
    expect((await h.req('/openstack/')).body).toBe(listing.body);
    expect((await h.req('/openstack/2025-04-04/meta_data.json')).statusCode).toBe(200);
    h.clock.advance(Date.UTC(2025, 3, 4) - h.clock.now());
    expect((await h.req('/openstack')).body).toContain('2025-04-04\nlatest');
  });

  it('lists the files of each version in Nova order, gated by version, and serves each listed file', async () => {
    h = await harness();
    expect((await h.req('/openstack/2012-08-10')).body).toBe('meta_data.json\nuser_data');
    expect((await h.req('/openstack/2013-10-17/')).body).toBe('meta_data.json\nuser_data\npassword\nvendor_data.json');
    expect((await h.req('/openstack/2015-10-15')).body).toBe('meta_data.json\nuser_data\npassword\nvendor_data.json\nnetwork_data.json');
    const latest = (await h.req('/openstack/latest')).body.split('\n');
    expect(latest).toEqual(['meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json']);
    for (const version of (await h.req('/openstack')).body.split('\n')) {
      for (const file of (await h.req(`/openstack/${version}`)).body.split('\n')) {
        const res = await h.req(`/openstack/${version}/${file}`);
        expect(res.statusCode, `${version}/${file}`).toBe(200);
        if (file.endsWith('.json')) expect(() => JSON.parse(res.body) as unknown).not.toThrow();
      }
    }
    expect((await h.req('/openstack/2012-08-10/network_data.json')).statusCode).toBe(404);
    expect((await h.req('/openstack/2099-01-01/meta_data.json')).statusCode).toBe(404);
    expect((await h.req('/openstack/content/0000')).statusCode).toBe(404);
    expect((await h.req('/openstack/latest/meta_data.json/x')).statusCode).toBe(404);
  });

  it('serves meta_data.json as Nova does (golden, 2018-08-27: the version cloud-init 22.4.2 picks)', async () => {
    h = await harness();
    const res = await h.req('/openstack/2018-08-27/meta_data.json');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(withStableSeed(res.body)).toMatchFileSnapshot('../../../fixtures/metadata/openstack-2018-08-27-meta_data.json');
    const folsom = JSON.parse((await h.req('/openstack/2012-08-10/meta_data.json')).body) as Record<string, unknown>;
    expect(Object.keys(folsom)).toEqual(['uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone']);
    const latest = JSON.parse((await h.req('/openstack/latest/meta_data.json')).body) as Record<string, unknown>;
    expect(latest).toMatchObject({ uuid: fixtureInstance().uuid, devices: [], dedicated_cpus: [] });
  });

  it('carries keys at every version, as Nova does (no version gate), and none without a key pair', async () => {
    h = await harness();
    const key = fixtureInstance().publicKeys[0];
    for (const version of (await h.req('/openstack')).body.split('\n')) {
      const doc = JSON.parse((await h.req(`/openstack/${version}/meta_data.json`)).body) as Record<string, unknown>;
      expect(doc['keys'], version).toEqual([{ name: key?.name, type: 'ssh', data: key?.key }]);
    }
    const folsom = await h.req('/openstack/2012-08-10/meta_data.json');
    await expect(withStableSeed(folsom.body)).toMatchFileSnapshot('../../../fixtures/metadata/openstack-2012-08-10-meta_data.json');
    const bare = JSON.parse((await h.req('/openstack/2012-08-10/meta_data.json', { remoteAddress: OTHER_IP })).body) as Record<string, unknown>;
    expect(bare).not.toHaveProperty('keys');
    expect(bare).not.toHaveProperty('public_keys');
  });

  it('serves network_data.json with the instance real MAC (golden)', async () => {
    h = await harness();
    const res = await h.req('/openstack/latest/network_data.json');
    const doc = JSON.parse(res.body) as { links: { ethernet_mac_address: string; id: string }[]; networks: { link: string; type: string }[] };
    expect(doc.links[0]?.ethernet_mac_address).toBe('52:54:00:12:34:56');
    expect(doc.networks[0]?.link).toBe(doc.links[0]?.id);
    expect(doc.networks[0]?.type).toBe('ipv4_dhcp');
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('../../../fixtures/metadata/openstack-network_data.json');
  });

  it('serves user_data raw (404 when none) and vendor data as {} when empty, never an empty body', async () => {
    h = await harness();
    const ud = await h.req('/openstack/latest/user_data');
    expect(ud.body).toBe('#cloud-config\nruncmd:\n  - echo hello\n');
    expect((await h.req('/openstack/latest/user_data', { remoteAddress: OTHER_IP })).statusCode).toBe(404);
    expect((await h.req('/openstack/latest', { remoteAddress: OTHER_IP })).body).not.toContain('user_data');
    for (const file of ['vendor_data.json', 'vendor_data2.json']) {
      const res = await h.req(`/openstack/latest/${file}`);
      expect(res.body).toBe('{}');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('nests non-empty vendor data under static in vendor_data2.json', async () => {
    h = await harness([fixtureInstance({ vendorData: { 'cloud-init': '#cloud-config\n{}' } })]);
    expect(JSON.parse((await h.req('/openstack/latest/vendor_data.json')).body)).toEqual({ 'cloud-init': '#cloud-config\n{}' });
    expect(JSON.parse((await h.req('/openstack/latest/vendor_data2.json')).body)).toEqual({ static: { 'cloud-init': '#cloud-config\n{}' } });
  });

  it('password: GET empty until set, POST once (200), again 409, over 1020 bytes 400, other methods 405', async () => {
    h = await harness();
    const pw = 'x'.repeat(1020);
    expect((await h.req('/openstack/latest/password')).body).toBe('');
    const tooLong = await h.req('/openstack/2013-04-04/password', { method: 'POST', payload: `${pw}y` });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('MC_ERR_METADATA_PASSWORD_TOO_LONG');
    const post = await h.req('/openstack/2013-04-04/password', { method: 'POST', payload: pw, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.statusCode).toBe(200);
    const again = await h.req('/openstack/latest/password', { method: 'POST', payload: 'other' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('MC_ERR_METADATA_PASSWORD_SET');
    expect((await h.req('/openstack/latest/password')).body).toBe(pw);
    expect(h.instances.getPassword('i-0123456789abcdef0')).toBe(pw);
    const put = await h.req('/openstack/latest/password', { method: 'PUT', payload: 'x' });
    expect(put.statusCode).toBe(405);
    expect(put.headers['allow']).toBe('GET, HEAD, POST');
    expect((await h.req('/openstack/2012-08-10/password', { method: 'POST', payload: 'x' })).statusCode).toBe(404);
    expect((await h.req('/openstack/latest/meta_data.json', { method: 'POST', payload: 'x' })).statusCode).toBe(405);
  });

  it('serves the EC2-compatible tree the OpenStack datasource also crawls', async () => {
    h = await harness([fixtureInstance({ datasource: 'openstack' })]);
    expect((await h.req('/latest/meta-data/')).statusCode).toBe(200);
    expect((await h.req('/latest/meta-data/local-ipv4')).body).toBe('10.254.254.10');
  });
});
