import { afterEach, describe, expect, it } from 'vitest';
import { bareInstance, fixtureInstance, GUEST_IP, harness, OTHER_IP, type Harness } from './metadata-test-kit.js';

/** The default harness's two instances as NoCloud guests. */
const nocloud = () => harness([fixtureInstance({ datasource: 'nocloud' }), bareInstance({ datasource: 'nocloud' })]);

describe('NoCloud-net seed', () => {
  let h: Harness;
  afterEach(async () => h.app.close());
  const seed = '/nocloud/i-0123456789abcdef0/';

  it('answers all four files with 200 (cloud-init retries a 404 ten times)', async () => {
    h = await nocloud();
    expect((await h.req(seed)).body).toBe('meta-data\nnetwork-config\nuser-data\nvendor-data');
    const md = JSON.parse((await h.req(`${seed}meta-data`)).body) as Record<string, unknown>;
    expect(md).toEqual({
      'instance-id': 'i-0123456789abcdef0',
      'local-hostname': 'web-1',
      hostname: 'web-1',
      'public-keys': ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests mykey'],
    });
    expect((await h.req(`${seed}user-data`)).body).toBe('#cloud-config\nruncmd:\n  - echo hello\n');
    for (const file of ['vendor-data', 'network-config']) expect((await h.req(`${seed}${file}`)).statusCode).toBe(200);
    // No user data: still 200, empty.
    const bare = await h.req('/nocloud/i-00000000000000002/user-data', { remoteAddress: OTHER_IP });
    expect(bare.statusCode).toBe(200);
    expect(bare.body).toBe('');
  });

  it('answers only NoCloud guests: an OpenStack guest asking for its own seed gets 404', async () => {
    h = await harness();
    expect((await h.req(`${seed}meta-data`, { remoteAddress: GUEST_IP })).statusCode).toBe(404);
  });

  it('answers 404 when the path names another instance than the source address', async () => {
    h = await nocloud();
    expect((await h.req('/nocloud/i-00000000000000002/meta-data')).statusCode).toBe(404);
    expect((await h.req(`${seed}nope`)).statusCode).toBe(404);
    expect((await h.req('/nocloud/')).statusCode).toBe(404);
  });
});
