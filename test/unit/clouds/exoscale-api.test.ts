import { afterEach, describe, expect, it } from 'vitest';
import { guestPassword } from '../../../src/metadata/cloudstack/password-server.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { bareInstance, fixtureInstance, GUEST_IP, harness, TOKEN_SECRET, type Harness } from '../metadata/metadata-test-kit.js';

const EXO_IP = '10.254.254.30';
const BARE_EXO_IP = '10.254.254.31';
const TWO_KEYS = [
  { name: 'mykey', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey' },
  { name: 'other', key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDother other@minicloud' },
];

/** The fixture instance as an Exoscale guest: every optional part present, two keys. */
function exoscaleInstance(over: Partial<InstanceRecord> = {}): InstanceRecord {
  return fixtureInstance({ id: 'i-0000000000000000e', uuid: '0a0b0c0d-0000-4000-8000-00000000000e', name: 'exo-1', hostname: 'exo-1', mac: '52:54:00:ab:cd:0e', ip: EXO_IP, datasource: 'exoscale', publicKeys: TWO_KEYS, instanceType: 'standard.medium', availabilityZone: 'ch-gva-2', ...over });
}

/** Nothing optional: no keys, no user-data. */
function bareExoscaleInstance(): InstanceRecord {
  return bareInstance({ id: 'i-0000000000000000f', uuid: '0a0b0c0d-0000-4000-8000-00000000000f', name: 'exo-bare', hostname: 'exo-bare', mac: '52:54:00:ab:cd:0f', ip: BARE_EXO_IP, datasource: 'exoscale' });
}

const SEND = { DomU_Request: 'send_my_password' };
const SAVED = { DomU_Request: 'saved_password' };

describe('Exoscale metadata server', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const get = (url: string, opts: { headers?: Record<string, string>; method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'; remoteAddress?: string } = {}) =>
    h.req(url, { remoteAddress: EXO_IP, ...opts });

  it('lists its versions at /, and meta-data/ and user-data in each', async () => {
    h = await harness([exoscaleInstance(), bareExoscaleInstance()]);
    expect((await get('/')).body).toBe('1.0\nlatest');
    for (const version of ['1.0', 'latest']) {
      for (const url of [`/${version}`, `/${version}/`]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(200);
        expect(res.headers['content-type']).toBe('text/plain');
        expect(res.body).toBe('meta-data/\nuser-data');
      }
      // No user-data: unlisted, and 404 (cloud-init's "no user-data").
      expect((await get(`/${version}/`, { remoteAddress: BARE_EXO_IP })).body).toBe('meta-data/');
      expect((await get(`/${version}/user-data`, { remoteAddress: BARE_EXO_IP })).statusCode).toBe(404);
    }
  });

  it('serves CloudStack\'s meta-data in its order, every listed name answering 200 (golden crawl of /1.0/; /latest/ the same)', async () => {
    h = await harness([exoscaleInstance()]);
    const crawl = async (version: string): Promise<string> => {
      const listing = await get(`/${version}/meta-data/`);
      expect(listing.statusCode).toBe(200);
      expect((await get(`/${version}/meta-data`)).body).toBe(listing.body);
      const parts = [`/${version}/meta-data/\n${listing.body}`];
      for (const name of listing.body.split('\n')) {
        const leaf = await get(`/${version}/meta-data/${name}`);
        expect(leaf.statusCode, name).toBe(200);
        expect(leaf.headers['content-type']).toBe('text/plain');
        expect(leaf.body.endsWith('\n'), `${name} ends without a newline`).toBe(false);
        parts.push(`/${version}/meta-data/${name}\n${leaf.body}`);
      }
      return `${parts.join('\n\n')}\n`;
    };
    const v1 = await crawl('1.0');
    await expect(v1).toMatchFileSnapshot('../../../fixtures/clouds/exoscale/1.0-meta-data-crawl.txt');
    expect(await crawl('latest')).toBe(v1.replaceAll('/1.0/', '/latest/'));
    const instance = exoscaleInstance();
    expect((await get('/1.0/meta-data/')).body.split('\n')).toEqual([
      'service-offering', 'availability-zone', 'local-ipv4', 'local-hostname', 'public-ipv4', 'public-hostname', 'instance-id', 'vm-id', 'public-keys', 'cloud-identifier',
    ]);
    expect((await get('/1.0/meta-data/instance-id')).body).toBe(instance.uuid);
    expect((await get('/1.0/meta-data/local-ipv4')).body).toBe(EXO_IP);
    expect((await get('/1.0/meta-data/public-keys')).body).toBe(TWO_KEYS.map((k) => k.key).join('\n'));
    expect((await get('/1.0/meta-data/cloud-identifier')).body).toMatch(/^CloudStack-\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\}$/);
  });

  it('leaves public-keys out when the instance has no key', async () => {
    h = await harness([bareExoscaleInstance()]);
    expect((await get('/1.0/meta-data/', { remoteAddress: BARE_EXO_IP })).body.split('\n')).not.toContain('public-keys');
    expect((await get('/1.0/meta-data/public-keys', { remoteAddress: BARE_EXO_IP })).statusCode).toBe(404);
  });

  it('serves user-data byte for byte as application/octet-stream, HEAD with its length', async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x0a]);
    h = await harness([exoscaleInstance({ userData: bytes })]);
    const res = await get('/1.0/user-data');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(res.rawPayload)).toEqual(bytes);
    const head = await get('/1.0/user-data', { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.body).toBe('');
  });

  it('serves what Exoscale serves, not EC2\'s extras: 404 for EC2 keys, dated versions, IMDSv2 and Nova paths', async () => {
    h = await harness([exoscaleInstance()]);
    for (const url of [
      '/1.0/meta-data/ami-id', '/1.0/meta-data/hostname', '/1.0/meta-data/instance-type', '/1.0/meta-data/mac', '/1.0/meta-data/placement/',
      '/latest/meta-data/network/', '/latest/meta-data/iam/', '/latest/dynamic/instance-identity/document', '/latest/meta-data/public-keys/0/openssh-key',
      '/2009-04-04/meta-data/instance-id', '/openstack/latest/meta_data.json', '/1.0/meta-data/instance-id/x',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toMatch(/\[MC_ERR_METADATA_NOT_FOUND\]\n$/);
    }
    const token = await get('/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } });
    expect(token.statusCode).toBe(405);
  });

  it('answers only GET and HEAD (405 with Allow), on the tree and on the password server', async () => {
    h = await harness([exoscaleInstance()]);
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      for (const opts of [{}, { headers: SEND }]) {
        const res = await get('/1.0/meta-data/instance-id', { method, ...opts });
        expect(res.statusCode, method).toBe(405);
        expect(res.headers['allow']).toBe('GET, HEAD');
      }
    }
  });

  it('answers only its own guests: an EC2 guest is served EC2\'s tree, an Exoscale guest never EC2\'s', async () => {
    h = await harness([exoscaleInstance(), fixtureInstance({ datasource: 'ec2' })]);
    const ec2 = await h.req('/1.0/meta-data/', { remoteAddress: GUEST_IP });
    expect(ec2.body.split('\n')).toContain('ami-id');
    expect(ec2.body.split('\n')).not.toContain('vm-id');
    expect((await h.req('/1.0/meta-data/vm-id', { remoteAddress: GUEST_IP })).statusCode).toBe(404);
    // A DomU_Request means nothing to EC2: its tree answers.
    expect((await h.req('/1.0/meta-data/instance-id', { remoteAddress: GUEST_IP, headers: SEND })).body).toBe(fixtureInstance().id);
    expect((await get('/1.0/meta-data/ami-id')).statusCode).toBe(404);
  });

  it('password server: the generated password until the guest acks saved_password, then saved_password; recorded as the instance\'s password', async () => {
    h = await harness([exoscaleInstance(), bareExoscaleInstance()]);
    const instance = exoscaleInstance();
    const password = guestPassword(TOKEN_SECRET, 'exoscale', instance.id);
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    // cloud-init asks http://169.254.169.254:8080/1.0/; the DNAT makes that this server's /1.0/.
    const first = await get('/1.0/', { headers: SEND });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/plain');
    expect(first.body).toBe(password);
    // Asking again before the ack gives it again (a guest that crashed before saving gets it next boot).
    expect((await get('/1.0/', { headers: SEND })).body).toBe(password);
    expect(h.instances.getPassword(instance.id)).toBeNull();
    // Another instance gets another password; the path does not matter (CloudStack's datasource asks for /).
    const other = await get('/', { headers: SEND, remoteAddress: BARE_EXO_IP });
    expect(other.body).toBe(guestPassword(TOKEN_SECRET, 'exoscale', bareExoscaleInstance().id));
    expect(other.body).not.toBe(password);

    const ack = await get('/1.0/', { headers: SAVED });
    expect(ack.statusCode).toBe(200);
    expect(ack.body).toBe('saved_password');
    expect(h.instances.getPassword(instance.id)).toBe(password);
    expect((await get('/1.0/', { headers: SEND })).body).toBe('saved_password');
    // A second ack changes nothing; the tree is unaffected by any of it.
    expect((await get('/1.0/', { headers: SAVED })).body).toBe('saved_password');
    expect(h.instances.getPassword(instance.id)).toBe(password);
    expect((await get('/1.0/')).body).toBe('meta-data/\nuser-data');
    // The other instance has not saved: it still gets its password.
    expect((await get('/1.0/', { headers: SEND, remoteAddress: BARE_EXO_IP })).body).toBe(other.body);
  });

  it('password server: an unknown DomU_Request is a coded 400 and saves nothing', async () => {
    h = await harness([exoscaleInstance()]);
    for (const value of ['bad_request', '', 'SEND_MY_PASSWORD']) {
      const res = await get('/1.0/', { headers: { DomU_Request: value } });
      expect(res.statusCode, value).toBe(400);
      expect(res.body).toBe(`unknown DomU_Request ${JSON.stringify(value)}; the password server understands send_my_password and saved_password [MC_ERR_PASSWORD_SERVER_REQUEST]\n`);
    }
    expect(h.instances.getPassword(exoscaleInstance().id)).toBeNull();
  });

  it('records each request as the exoscale API\'s, password requests included', async () => {
    h = await harness([exoscaleInstance()]);
    await get('/1.0/meta-data/instance-id');
    await get('/1.0/', { headers: SEND });
    h.requestLog.flush();
    const records = h.requestLog.query({});
    expect(records.map((r) => [r.path, r.status, r.flavour])).toEqual([
      ['/1.0/meta-data/instance-id', 200, 'exoscale'],
      ['/1.0/', 200, 'exoscale'],
    ]);
  });
});
