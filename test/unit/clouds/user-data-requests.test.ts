import { describe, expect, it } from 'vitest';
import { CLOUDS, cloudNamed } from '../../../src/clouds/registry.js';

// The request that hands a guest its user-data, per cloud, as cloud-init (22.4.2 and 25.3) or cirros
// makes it: the readiness stage `userdata` and smoke's evidence follow it, so each cloud's real request
// must match and its neighbours must not.
const REQUESTS: Record<string, { userData: string[]; other: string[] }> = {
  ec2: { userData: ['/latest/user-data', '/2009-04-04/user-data', '/2021-03-23/user-data/'], other: ['/latest/meta-data/user-data-foo', '/latest/meta-data/'] },
  openstack: { userData: ['/openstack/2012-08-10/user_data', '/latest/user-data'], other: ['/openstack/latest/meta_data.json'] },
  configdrive: { userData: ['/openstack/latest/user_data'], other: ['/openstack/latest/vendor_data.json'] },
  nocloud: { userData: ['/nocloud/i-0123456789abcdef0/user-data'], other: ['/nocloud/i-0123456789abcdef0/meta-data'] },
  exoscale: { userData: ['/1.0/user-data', '/latest/user-data'], other: ['/1.0/meta-data/instance-id'] },
  gce: { userData: ['/computeMetadata/v1/instance/attributes/?recursive=True', '/computeMetadata/v1/instance/attributes/user-data'], other: ['/computeMetadata/v1/instance/id', '/computeMetadata/v1/project/attributes/?recursive=True'] },
  hetzner: { userData: ['/hetzner/v1/userdata'], other: ['/hetzner/v1/metadata', '/hetzner/v1/metadata/private-networks'] },
  oracle: { userData: ['/opc/v2/instance/', '/opc/v1/instance/'], other: ['/opc/v2/vnics/'] },
  upcloud: { userData: ['/metadata/v1.json', '/metadata/v1/user_data'], other: ['/metadata/v1/hostname'] },
  vultr: { userData: ['/v1.json', '/latest/user-data'], other: ['/v1/hostname'] },
  scaleway: { userData: ['/user_data/cloud-init'], other: ['/conf?format=json', '/user_data', '/vendor_data/cloud-init'] },
  akamai: { userData: ['/v1/user-data'], other: ['/v1/token', '/v1/instance'] },
  cloudstack: { userData: ['/latest/user-data'], other: ['/latest/meta-data/instance-id', '/latest/meta-data/'] },
  azure: { userData: ['/metadata/instance?api-version=2021-08-01&extended=true', '/metadata/instance?api-version=2019-06-01', '/metadata/instance/compute/userData?api-version=2021-08-01&format=text'], other: ['/metadata/instance/network?api-version=2019-06-01', '/machine/?comp=goalstate', '/metadata/identity/oauth2/token?api-version=2018-02-01'] },
  digitalocean: { userData: ['/metadata/v1.json', '/metadata/v1/user-data'], other: ['/metadata/v1/hostname', '/metadata/v1/vendor-data'] },
};

describe("each cloud's user-data request", () => {
  it('is known for every registered cloud', () => {
    expect(CLOUDS.map((c) => c.name).filter((name) => !(name in REQUESTS))).toEqual([]);
  });

  for (const [name, { userData, other }] of Object.entries(REQUESTS)) {
    it(`${name}: ${userData.join(', ')}`, () => {
      const { userDataRequest } = cloudNamed(name);
      for (const path of userData) expect(userDataRequest.test(path), path).toBe(true);
      for (const path of other) expect(userDataRequest.test(path), path).toBe(false);
    });
  }
});
