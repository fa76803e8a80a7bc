import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { bareInstance, fixtureInstance, GUEST_IP, harness, OTHER_IP, type Harness } from '../metadata/metadata-test-kit.js';

const V1 = '/computeMetadata/v1';
const FLAVOR = { 'metadata-flavor': 'Google' };
const golden = (name: string) => `../../../fixtures/clouds/gce/${name}`;

/** The fixture instance and a bare one as GCE guests; a third guest (OpenStack) at NOCLOUD's address is not needed. */
const gce = (over: Parameters<typeof fixtureInstance>[0] = {}) =>
  harness([fixtureInstance({ datasource: 'gce', availabilityZone: 'europe-west1b', region: 'europe-west1', ...over }), bareInstance({ datasource: 'gce' })]);

/** Every GCE answer, errors and redirects included, carries these two headers. */
function expectGceHeaders(res: LightMyRequestResponse): void {
  expect(res.headers['metadata-flavor']).toBe('Google');
  expect(res.headers['etag']).toMatch(/^[0-9a-f]{16}$/);
}

describe('GCE metadata server', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (path: string, headers: Record<string, string> = FLAVOR, remoteAddress = GUEST_IP) => h.req(path, { headers, remoteAddress });

  it('serves what cloud-init reads (instance id, zone, hostname, both attribute sets) with 200', async () => {
    h = await gce();
    const id = await get(`${V1}/instance/id`);
    expect(id.statusCode).toBe(200);
    expect(id.body).toMatch(/^[1-9]\d{18}$/);
    expect(id.headers['content-type']).toBe('application/text');
    expect((await get(`${V1}/instance/zone`)).body).toMatch(/^projects\/\d{12}\/zones\/europe-west1-b$/);
    expect((await get(`${V1}/instance/hostname`)).body).toMatch(/^web-1\.europe-west1-b\.c\.minicloud-[0-9a-f]{6}\.internal$/);
    // cloud-init's exact URLs: a trailing slash and `recursive=True` (capital T).
    const attributes = await get(`${V1}/instance/attributes/?recursive=True`);
    expect(attributes.statusCode).toBe(200);
    expect(JSON.parse(attributes.body)).toEqual({
      'ssh-keys': 'cloudinit:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey',
      'user-data': '#cloud-config\nruncmd:\n  - echo hello\n',
      role: 'web',
      tier: 'frontend',
    });
    // No project attributes: `{}` at once, never a 404 (cloud-init spends ~5 s retrying one).
    const project = await get(`${V1}/project/attributes/?recursive=True`);
    expect([project.statusCode, project.body]).toEqual([200, '{}']);
  });

  it('derives ids stably: the same record answers the same values, another record others', async () => {
    h = await gce();
    const first = (await get(`${V1}/instance/id`)).body;
    const other = (await get(`${V1}/instance/id`, FLAVOR, OTHER_IP)).body;
    await h.app.close();
    h = await gce();
    expect((await get(`${V1}/instance/id`)).body).toBe(first);
    expect(other).not.toBe(first);
  });

  it('lists directories with a trailing slash per subdirectory and serves every listed name', async () => {
    h = await gce();
    expect((await get('/', {})).body).toBe('computeMetadata/\n');
    expect((await get('/computeMetadata/')).body).toBe('v1/\n');
    expect((await get(`${V1}/`)).body).toBe('instance/\nproject/\n');
    const seen: string[] = [];
    const walk = async (path: string): Promise<void> => {
      const res = await get(path);
      expect(res.statusCode, path).toBe(200);
      expectGceHeaders(res);
      seen.push(`${path}\n${res.body}`);
      if (!path.endsWith('/')) return;
      for (const name of res.body.split('\n').filter((l) => l !== '')) await walk(`${path}${name}`);
    };
    await walk(`${V1}/`);
    await expect(`${seen.join('\n\n')}\n`).toMatchFileSnapshot(golden('crawl.txt'));
  });

  it('answers the values an agent reads: network interface, service account, scheduling, events', async () => {
    h = await gce();
    const nic = `${V1}/instance/network-interfaces/0`;
    expect((await get(`${nic}/ip`)).body).toBe(GUEST_IP);
    expect((await get(`${nic}/mac`)).body).toBe('52:54:00:12:34:56');
    expect((await get(`${nic}/gateway`)).body).toBe('10.254.254.1');
    expect((await get(`${nic}/subnetmask`)).body).toBe('255.255.255.0');
    expect((await get(`${nic}/access-configs/`)).body).toBe('');
    const sa = `${V1}/instance/service-accounts/default`;
    expect((await get(`${sa}/email`)).body).toMatch(/^\d{12}-compute@developer\.gserviceaccount\.com$/);
    expect((await get(`${sa}/scopes`)).body.split('\n')).toContain('https://www.googleapis.com/auth/logging.write');
    const token = await get(`${sa}/token`);
    expect(token.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(token.body)).toEqual({ access_token: expect.stringMatching(/^ya29\.minicloud-test-token-/), expires_in: 3599, token_type: 'Bearer' });
    expect((await get(`${V1}/instance/maintenance-event`)).body).toBe('NONE');
    expect((await get(`${V1}/instance/preempted`)).body).toBe('FALSE');
    expect((await get(`${V1}/project/numeric-project-id`)).body).toMatch(/^[1-9]\d{11}$/);
    expect((await get(`${V1}/project/project-id`)).body).toMatch(/^minicloud-[0-9a-f]{6}$/);
  });

  it('recursive=true answers a directory as one JSON document (GCE camelCase keys, numbers unquoted, no token)', async () => {
    h = await gce();
    const res = await get(`${V1}/?recursive=true`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    await expect(`${res.body}\n`).toMatchFileSnapshot(golden('v1-recursive.json'));
    const doc = JSON.parse(res.body) as { instance: Record<string, unknown>; project: Record<string, unknown> };
    expect(res.body).toContain(`"id":${(await get(`${V1}/instance/id`)).body},`);
    expect(doc.instance['networkInterfaces']).toEqual([expect.objectContaining({ ip: GUEST_IP, mac: '52:54:00:12:34:56', accessConfigs: [] })]);
    expect(res.body).not.toContain('access_token');
    expect(Object.keys(doc.project).sort()).toEqual(['attributes', 'numericProjectId', 'projectId']);
  });

  it('alt=text and alt=json choose the form; recursive with alt=text is one "path value" line per value', async () => {
    h = await gce();
    expect((await get(`${V1}/instance/name?alt=json`)).body).toBe('"web-1"');
    expect((await get(`${V1}/instance/tags`)).body).toBe('[]');
    expect((await get(`${V1}/instance/tags?alt=text`)).body).toBe('');
    expect((await get(`${V1}/instance/service-accounts/default/aliases?alt=json`)).body).toBe('["default"]');
    expect((await get(`${V1}/instance/scheduling/?alt=json`)).body).toBe('["automatic-restart","on-host-maintenance","preemptible"]');
    const text = await get(`${V1}/instance/?recursive=true&alt=text`);
    expect(text.headers['content-type']).toBe('application/text');
    await expect(text.body).toMatchFileSnapshot(golden('instance-recursive.txt'));
    const bad = await get(`${V1}/instance/id?alt=xml`);
    expect([bad.statusCode, bad.body]).toEqual([400, expect.stringContaining('MC_ERR_METADATA_BAD_REQUEST')]);
  });

  it('refuses a request without Metadata-Flavor: Google with 403, as GCE; the root answers without it', async () => {
    h = await gce();
    for (const headers of [{}, { 'metadata-flavor': 'google' }, { 'metadata-flavor': 'Amazon' }] as Record<string, string>[]) {
      const res = await get(`${V1}/instance/id`, headers);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('MC_ERR_GCE_FLAVOR_REQUIRED');
      expectGceHeaders(res);
    }
    expect((await get('/', {})).statusCode).toBe(200);
    expect((await get('/computeMetadata/', {})).statusCode).toBe(403);
  });

  it('refuses a request carrying X-Forwarded-For with 403, flavor header or not', async () => {
    h = await gce();
    for (const path of [`${V1}/instance/id`, '/']) {
      const res = await get(path, { ...FLAVOR, 'x-forwarded-for': '203.0.113.9' });
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('MC_ERR_GCE_FORWARDED');
      expectGceHeaders(res);
    }
  });

  it('answers a directory asked for without its slash with GCE\'s 301, keeping the query', async () => {
    h = await gce();
    const res = await get(`${V1}/instance/service-accounts?recursive=true`, { ...FLAVOR, host: 'metadata.google.internal' });
    expect(res.statusCode).toBe(301);
    expect(res.headers['location']).toBe(`http://metadata.google.internal${V1}/instance/service-accounts/?recursive=true`);
    expect(res.body).toBe(`${V1}/instance/service-accounts/\n`);
    expectGceHeaders(res);
  });

  it('answers paths it does not serve with a 404 at once (with GCE headers), a value asked for as a directory too', async () => {
    h = await gce();
    for (const path of [`${V1}/instance/nope`, `${V1}/instance/id/`, '/computeMetadata/v1beta1/', '/latest/meta-data/', '/openstack/latest/meta_data.json', `${V1}/instance/attributes/missing`]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).toContain('MC_ERR_METADATA_NOT_FOUND');
      expectGceHeaders(res);
    }
  });

  it('answers only GCE guests: an OpenStack guest gets its own 404 for /computeMetadata', async () => {
    h = await harness([fixtureInstance(), bareInstance({ datasource: 'gce' })]);
    const res = await get(`${V1}/instance/id`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['metadata-flavor']).toBeUndefined();
    expect((await get(`${V1}/instance/id`, FLAVOR, OTHER_IP)).statusCode).toBe(200);
  });

  it('takes GET and HEAD; PUT only for guest attributes; anything else is a 405 with Allow', async () => {
    h = await gce();
    const head = await h.req(`${V1}/instance/name`, { method: 'HEAD', headers: FLAVOR });
    expect([head.statusCode, head.body, head.headers['content-length']]).toEqual([200, '', '5']);
    const post = await h.req(`${V1}/instance/name`, { method: 'POST', headers: FLAVOR, payload: 'x' });
    expect([post.statusCode, post.headers['allow']]).toEqual([405, 'GET, HEAD']);
    const put = await h.req(`${V1}/instance/attributes/role`, { method: 'PUT', headers: FLAVOR, payload: 'db' });
    expect([put.statusCode, put.headers['allow']]).toEqual([405, 'GET, HEAD']);
    const del = await h.req(`${V1}/instance/guest-attributes/hostkeys/ssh-rsa`, { method: 'DELETE', headers: FLAVOR });
    expect([del.statusCode, del.headers['allow']]).toEqual([405, 'GET, HEAD, PUT']);
  });

  it('stores guest attributes written with PUT (cloud-init\'s host keys) and answers them back', async () => {
    h = await gce();
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyOfTheGuest root@web-1';
    // cloud-init's request: PUT with the key as body, no Content-Type.
    const put = await h.req(`${V1}/instance/guest-attributes/hostkeys/ssh-ed25519`, { method: 'PUT', headers: FLAVOR, payload: Buffer.from(key) });
    expect(put.statusCode).toBe(200);
    expectGceHeaders(put);
    expect((await get(`${V1}/instance/guest-attributes/`)).body).toBe('hostkeys/\n');
    expect((await get(`${V1}/instance/guest-attributes/hostkeys/ssh-ed25519`)).body).toBe(key);
    expect(JSON.parse((await get(`${V1}/instance/guest-attributes/?recursive=true`)).body)).toEqual({ hostkeys: { 'ssh-ed25519': key } });
    // Another instance sees none of them; a write without the flavor header is refused.
    expect((await get(`${V1}/instance/guest-attributes/`, FLAVOR, OTHER_IP)).body).toBe('');
    expect((await h.req(`${V1}/instance/guest-attributes/hostkeys/ssh-rsa`, { method: 'PUT', payload: 'x' })).statusCode).toBe(403);
  });

  it('refuses guest attribute writes without a namespace, with bad names or values, or past the limit', async () => {
    h = await gce();
    const put = (path: string, payload: Buffer | string = 'v') => h.req(`${V1}/instance/guest-attributes/${path}`, { method: 'PUT', headers: FLAVOR, payload });
    for (const [path, payload] of [['hostkeys', 'v'], ['a/b/c', 'v'], ['host%20keys/k', 'v'], ['ns/k', Buffer.from([0xff, 0xfe])]] as const) {
      const res = await put(path, payload);
      expect(res.statusCode, path).toBe(400);
      expect(res.body).toContain('MC_ERR_GCE_GUEST_ATTRIBUTE');
    }
    for (let i = 0; i < 64; i += 1) expect((await put(`ns/k${i}`)).statusCode).toBe(200);
    expect((await put('ns/k0', 'overwrite')).statusCode).toBe(200);
    expect((await put('ns/k64')).statusCode).toBe(400);
  });

  it('serves user-data that is not UTF-8 base64-encoded with user-data-encoding, so it arrives byte for byte', async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x41]);
    h = await gce({ userData: bytes });
    const attributes = JSON.parse((await get(`${V1}/instance/attributes/?recursive=True`)).body) as Record<string, string>;
    expect(attributes['user-data-encoding']).toBe('base64');
    expect(Buffer.from(attributes['user-data'] ?? '', 'base64')).toEqual(Buffer.from(bytes));
  });

  it('serves meta keys as attributes; a meta key wins over the derived one (ssh-keys, user-data)', async () => {
    h = await gce({ meta: { 'startup-script': '#!/bin/sh\necho up', 'ssh-keys': 'debian:ssh-ed25519 AAAA other', 'user-data': '#cloud-config\n{}', 'bad key': 'dropped' }, userData: new Uint8Array([0xff]) });
    const attributes = JSON.parse((await get(`${V1}/instance/attributes/?recursive=True`)).body) as Record<string, string>;
    expect(attributes).toEqual({ 'startup-script': '#!/bin/sh\necho up', 'ssh-keys': 'debian:ssh-ed25519 AAAA other', 'user-data': '#cloud-config\n{}' });
    expect((await get(`${V1}/instance/attributes/startup-script`)).body).toBe('#!/bin/sh\necho up');
  });

  it('changes the ETag exactly when the answered content changes', async () => {
    h = await gce();
    const etag = async (path: string) => (await get(path)).headers['etag'];
    const before = { role: await etag(`${V1}/instance/attributes/role`), id: await etag(`${V1}/instance/id`) };
    expect(await etag(`${V1}/instance/attributes/role`)).toBe(before.role);
    const record = h.instances.getInstance('i-0123456789abcdef0');
    if (record === undefined) throw new Error('fixture instance missing');
    h.instances.updateInstance({ ...record, meta: { ...record.meta, role: 'db' } });
    expect(await etag(`${V1}/instance/attributes/role`)).not.toBe(before.role);
    expect(await etag(`${V1}/instance/id`)).toBe(before.id);
  });

  it('records every request as the gce flavour, refusals included', async () => {
    h = await gce();
    await get(`${V1}/instance/id`);
    await get(`${V1}/instance/id`, {});
    const records = h.events.flatMap((e) => (e.type === 'metadata.request' ? [e.request] : []));
    expect(records.map((r) => [r.flavour, r.status, r.path])).toEqual([
      ['gce', 200, `${V1}/instance/id`],
      ['gce', 403, `${V1}/instance/id`],
    ]);
  });
});
