import { afterEach, describe, expect, it } from 'vitest';
import { EC2_VERSIONS } from '../../../src/metadata/ec2/ec2-versions.js';
import { harness, OTHER_IP, type Harness } from './metadata-test-kit.js';

/**
 * Crawls an EC2 meta-data tree the way cloud-init's MetadataMaterializer does (helpers/ec2.py): every
 * listed directory with a trailing slash, `N=name` as `N/openssh-key`, every other line as a leaf. On
 * top, like CirrOS's ec2metadata, every directory is also fetched without the trailing slash.
 * Any non-200 fails the test, which is exactly what breaks cloud-init (one 404 → KeyError).
 */
async function crawl(h: Harness, base: string, seen: string[]): Promise<Record<string, unknown>> {
  const listing = await h.req(`${base}/`);
  expect(listing.statusCode, `${base}/`).toBe(200);
  expect(listing.headers['content-type']).toBe('text/plain');
  const bare = await h.req(base);
  expect(bare.statusCode, base).toBe(200);
  expect(bare.body).toBe(listing.body);
  seen.push(`${base}/\n${listing.body}`);
  const lines = listing.body.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  expect(lines, `listing of ${base}/ is sorted`).toEqual([...lines].sort());
  const result: Record<string, unknown> = {};
  for (const line of lines) {
    if (line === 'security-credentials/' || line === 'security-credentials') {
      // cloud-init skips it; a crawler that wants every 200 still fetches it.
      result['security-credentials'] = await crawl(h, `${base}/security-credentials`, seen);
    } else if (line.endsWith('/')) {
      result[line.slice(0, -1)] = await crawl(h, `${base}/${line.slice(0, -1)}`, seen);
    } else {
      const key = /^(\d+)=(.*)$/.exec(line);
      const resource = key === null ? line : `${key[1]}/openssh-key`;
      if (key !== null) {
        const keyDir = await h.req(`${base}/${key[1]}/`);
        expect(keyDir.statusCode).toBe(200);
        expect(keyDir.body).toBe('openssh-key');
      }
      const leaf = await h.req(`${base}/${resource}`);
      expect(leaf.statusCode, `${base}/${resource}`).toBe(200);
      expect(leaf.body.endsWith('\n'), `${base}/${resource} ends without newline`).toBe(false);
      expect(Number(leaf.headers['content-length'])).toBe(leaf.rawPayload.length);
      seen.push(`${base}/${resource}\n${leaf.body}`);
      result[key === null ? line : (key[2] ?? '')] = leaf.body;
    }
  }
  return result;
}

describe('EC2 tree crawl', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  it('answers 200 for every listed name in every version, and matches the golden crawl of latest', async () => {
    h = await harness();
    for (const version of EC2_VERSIONS) {
      const seen: string[] = [];
      const tree = await crawl(h, `/${version}/meta-data`, seen);
      expect(tree['instance-id']).toBe('i-0123456789abcdef0');
      if (version === 'latest') await expect(seen.join('\n\n') + '\n').toMatchFileSnapshot('../../../fixtures/metadata/ec2-latest-meta-data-crawl.txt');
    }
  });

  it('gates keys by version like Nova: 1.0 has no local-hostname, 2009-04-04 has no mac, latest has region', async () => {
    h = await harness();
    const v1 = (await h.req('/1.0/meta-data/')).body.split('\n');
    expect(v1).toContain('instance-id');
    expect(v1).not.toContain('local-hostname');
    expect(v1).not.toContain('placement/');
    const v2009 = (await h.req('/2009-04-04/meta-data/')).body.split('\n');
    expect(v2009).toEqual(expect.arrayContaining(['local-hostname', 'instance-action', 'placement/', 'block-device-mapping/']));
    expect(v2009).not.toContain('mac');
    expect((await h.req('/2009-04-04/meta-data/placement/')).body).toBe('availability-zone');
    expect((await h.req('/2021-03-23/meta-data/placement/')).body).toBe('availability-zone\nregion');
    expect((await h.req('/2021-03-23/meta-data/mac')).body).toBe('52:54:00:12:34:56');
  });

  it('tells each interface its subnet and VPC blocks in every version with network/ (cloud-init routes secondary NICs by them)', async () => {
    h = await harness();
    const mac = '/network/interfaces/macs/52:54:00:12:34:56';
    const withNetwork: string[] = [];
    for (const version of EC2_VERSIONS) {
      const meta = (await h.req(`/${version}/meta-data/`)).body.split('\n');
      if (!meta.includes('network/')) continue;
      withNetwork.push(version);
      const listing = (await h.req(`/${version}/meta-data${mac}/`)).body.split('\n');
      expect(listing, version).toEqual(expect.arrayContaining(['subnet-ipv4-cidr-block', 'subnet-ipv4-cidr-blocks', 'vpc-ipv4-cidr-block', 'vpc-ipv4-cidr-blocks']));
      for (const leaf of ['subnet-ipv4-cidr-block', 'subnet-ipv4-cidr-blocks', 'vpc-ipv4-cidr-block', 'vpc-ipv4-cidr-blocks']) {
        const res = await h.req(`/${version}/meta-data${mac}/${leaf}`);
        expect(res.statusCode, `${version} ${leaf}`).toBe(200);
        // The guest's own subnet: the /24 its address sits in (a minicloud cloud is one /24, one bridge, one VPC).
        expect(res.body, `${version} ${leaf}`).toBe('10.254.254.0/24');
      }
    }
    expect(withNetwork).toEqual(['2016-09-02', '2018-09-24', '2021-03-23', 'latest']);
    // Another address, another block: the value follows the instance's address, not a constant.
    expect((await h.req('/latest/meta-data/network/interfaces/macs/52:54:00:00:00:02/subnet-ipv4-cidr-block', { remoteAddress: OTHER_IP })).body).toBe('10.254.254.0/24');
  });

  it('serves the instance without optional parts: no public-keys/, no iam/, user-data 404', async () => {
    h = await harness();
    const opts = { remoteAddress: '10.254.254.11' };
    const listing = (await h.req('/latest/meta-data/', opts)).body.split('\n');
    expect(listing).not.toContain('public-keys/');
    expect(listing).not.toContain('iam/');
    expect((await h.req('/latest/meta-data/public-keys/', opts)).statusCode).toBe(404);
    expect((await h.req('/latest', opts)).body).toBe('dynamic/\nmeta-data/');
    expect((await h.req('/latest/user-data', opts)).statusCode).toBe(404);
  });
});
