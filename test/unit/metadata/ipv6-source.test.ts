import { afterEach, describe, expect, it } from 'vitest';
import { cloudIpv6, guestIpv6 } from '../../../src/core/ipv6.js';
import { listenAlso } from '../../../src/metadata/listen-also.js';
import { bareInstance, fixtureInstance, harness, listeningHarness, type Harness } from './metadata-test-kit.js';

// The instances are EC2 guests: /latest/meta-data/instance-id names the one the server matched.
const guest = fixtureInstance({ datasource: 'ec2' });
const other = bareInstance({ datasource: 'ec2' });
const cloud = cloudIpv6('demo');
const ID = '/latest/meta-data/instance-id';

describe('the metadata server identifies a guest by its IPv6 source', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.app.close());

  it("answers a guest asking from its SLAAC address or its link-local one as itself", async () => {
    h = await harness([guest, other]);
    for (const source of [guestIpv6(cloud, guest.mac).global, guestIpv6(cloud, guest.mac).linkLocal, `${guestIpv6(cloud, guest.mac).linkLocal}%minicloud0`]) {
      const r = await h.req(ID, { remoteAddress: source });
      expect(r.statusCode, source).toBe(200);
      expect(r.body).toBe(guest.id);
    }
    const r = await h.req(ID, { remoteAddress: guestIpv6(cloud, other.mac).global });
    expect(r.body).toBe(other.id);
    // Logged with the IPv6 source, zone dropped.
    const logged = h.requestLog.query({}).map((x) => [x.sourceIp, x.instanceId]);
    expect(logged).toContainEqual([guestIpv6(cloud, guest.mac).linkLocal, guest.id]);
  });

  it('an IPv6 source that is no guest of the store is an unknown source', async () => {
    h = await harness([guest, other]);
    for (const source of [guestIpv6(cloud, '52:54:00:99:99:99').global, '2001:db8::5054:ff:fe12:3456', 'fe80::1', '::1']) {
      const r = await h.req(ID, { remoteAddress: source });
      expect(r.statusCode, source).toBe(404);
      expect(r.body).not.toContain(guest.id);
    }
  });

  it('listenAlso: a second address reaches the same app, hooks and request log included', async () => {
    const l = await listeningHarness([guest, other]);
    h = l;
    const close = await listenAlso(l.app, { host: '::1', port: l.port });
    const r = await fetch(`http://[::1]:${l.port}${ID}`);
    // ::1 is nobody's address: refused by the onRequest hook, and logged with that source.
    expect(r.status).toBe(404);
    expect(l.requestLog.query({}).at(-1)?.sourceIp).toBe('::1');
    await close();
    await expect(fetch(`http://[::1]:${l.port}${ID}`)).rejects.toThrow();
  });
});
