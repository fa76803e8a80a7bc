import { describe, expect, it } from 'vitest';
import { jacksonPretty } from '../../../src/clouds/oracle/jackson-json.js';
import { ociRegionKey, ocid } from '../../../src/clouds/oracle/oci-ids.js';
import { cloudNamed } from '../../../src/clouds/registry.js';
import { identityGolden } from './identity-golden.js';

const DMI_FILES = ['sys_vendor', 'product_name', 'product_serial', 'product_uuid', 'chassis_vendor', 'chassis_asset_tag'];

describe('Oracle identity', () => {
  it('is a plain KVM guest whose chassis asset tag is OracleCloud.com, chassis vendor QEMU on both drivers (golden)', async () => {
    const id = cloudNamed('oracle').identity({ instanceId: 'i-0abc', instanceUuid: '5D1E2F3A-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(id).toEqual({ system: { uuid: '5d1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' }, chassis: { manufacturer: 'QEMU', asset: 'OracleCloud.com' } });
    await expect(identityGolden('oracle', DMI_FILES)).toMatchFileSnapshot('../../../fixtures/clouds/oracle/identity.txt');
  });
});

describe('OCI identifiers', () => {
  it('OCIDs are stable, 60-character base32 unique parts, with the region key or none', () => {
    const a = ocid('instance', 'us-phoenix-1', 'i-1', 'an');
    expect(a).toBe(ocid('instance', 'us-phoenix-1', 'i-1', 'an'));
    expect(a).toMatch(/^ocid1\.instance\.oc1\.pho\.an[a-z2-7]{58}$/);
    expect(ocid('instance', 'us-phoenix-1', 'i-2', 'an')).not.toBe(a);
    expect(ocid('tenancy', null, '123456789012')).toMatch(/^ocid1\.tenancy\.oc1\.\.aaaaaaaa[a-z2-7]{52}$/);
  });

  it('region keys: three letters of the longest word of the region name', () => {
    expect([ociRegionKey('us-east-1'), ociRegionKey('minicloud-1'), ociRegionKey('eu-frankfurt-1'), ociRegionKey('x-1')]).toEqual(['EAS', 'MIN', 'FRA', 'XXX']);
  });
});

describe('jacksonPretty (how OCI prints JSON)', () => {
  it('objects indent by object depth, arrays stay inline, empty containers have a space', () => {
    expect(jacksonPretty([{ a: 1, b: { c: 'x', d: [] } }, { e: {} }])).toBe('[ {\n  "a" : 1,\n  "b" : {\n    "c" : "x",\n    "d" : [ ]\n  }\n}, {\n  "e" : { }\n} ]');
    expect(jacksonPretty({ keys: ['k1', 'k2'], n: null, t: true })).toBe('{\n  "keys" : [ "k1", "k2" ],\n  "n" : null,\n  "t" : true\n}');
    expect(jacksonPretty('a "quoted" ü')).toBe('"a \\"quoted\\" ü"');
    expect(JSON.parse(jacksonPretty({ x: [1, { y: 'z' }] }))).toEqual({ x: [1, { y: 'z' }] });
  });
});
