import { afterEach, describe, expect, it } from 'vitest';
import type { MetadataRequestRecord } from '../../../src/domain/metadata-request.js';
import { GUEST_IP, harness, NOCLOUD_IP, STRANGER_IP, type Harness } from './metadata-test-kit.js';

function published(h: Harness): MetadataRequestRecord[] {
  return h.events.flatMap((e) => (e.type === 'metadata.request' ? [e.request] : []));
}

describe('request recording', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  it('records every request in the log and on the event stream, with all fields', async () => {
    h = await harness();
    await h.req('/latest/meta-data/instance-id?x=1', { headers: { 'user-agent': 'Cloud-Init/22.4.2' } });
    const token = (await h.req('/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).body;
    await h.req('/latest/meta-data/local-ipv4', { method: 'HEAD', headers: { 'x-aws-ec2-metadata-token': token } });
    await h.req('/openstack/latest/meta_data.json');
    await h.req('/nocloud/i-0000000000000000c/meta-data', { remoteAddress: NOCLOUD_IP });
    await h.req('/latest/meta-data/nope');
    const log = h.requestLog.query({});
    expect(log).toHaveLength(6);
    expect(published(h)).toEqual(log);
    expect(log[0]).toEqual({
      time: h.clock.now(),
      instanceId: 'i-0123456789abcdef0',
      sourceIp: GUEST_IP,
      method: 'GET',
      path: '/latest/meta-data/instance-id?x=1',
      status: 200,
      bytes: 19,
      latencyMs: expect.any(Number) as number,
      userAgent: 'Cloud-Init/22.4.2',
      tokenUsed: false,
      flavour: 'ec2',
      fault: null,
    });
    expect(log.map((r) => [r.method, r.status, r.tokenUsed, r.flavour, r.bytes === 0])).toEqual([
      ['GET', 200, false, 'ec2', false],
      ['PUT', 200, false, 'ec2', false],
      ['HEAD', 200, true, 'ec2', true],
      ['GET', 200, false, 'openstack', false],
      ['GET', 200, false, 'nocloud', false],
      ['GET', 404, false, 'ec2', false],
    ]);
    const event = h.events.find((e) => e.type === 'metadata.request');
    expect(event?.at).toBe(h.clock.now());
  });

  it('records unknown sources with instanceId null, and unrouted requests with flavour null', async () => {
    h = await harness();
    await h.req('/latest/meta-data/', { remoteAddress: STRANGER_IP });
    await h.req('/openstack/latest/meta_data.json', { method: 'OPTIONS' });
    await h.req('/latest/meta-data/%zz');
    const log = h.requestLog.query({});
    expect(log[0]).toMatchObject({ instanceId: null, sourceIp: STRANGER_IP, status: 404 });
    expect(log[1]).toMatchObject({ status: 405, flavour: 'openstack' });
    expect(log[2]).toMatchObject({ status: 400, flavour: null, sourceIp: GUEST_IP });
  });

  it('keeps answering when the request log throws, and reports it as a notice', async () => {
    h = await harness();
    h.requestLog.append = () => {
      throw new Error('disk full');
    };
    const res = await h.req('/latest/meta-data/instance-id');
    expect(res.statusCode).toBe(200);
    expect(h.events.some((e) => e.type === 'notice' && e.message.includes('disk full'))).toBe(true);
    expect(published(h)).toHaveLength(1);
  });
});
