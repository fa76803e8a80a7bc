import { describe, expect, it } from 'vitest';
import { compileGlob, faultPath } from '../../../src/core/fault-glob.js';
import { isMinicloudError } from '../../../src/errors/catalogue.js';

describe('fault rule path globs', () => {
  // [glob, path, matches]
  it.each([
    ['/latest/meta-data/instance-id', '/latest/meta-data/instance-id', true],
    ['/latest/meta-data/instance-id', '/latest/meta-data/instance-id/', true],
    ['/latest/meta-data/instance-id', '/latest/meta-data/instance-ids', false],
    ['/latest/meta-data/instance-id', '/2009-04-04/meta-data/instance-id', false],
    ['/latest/meta-data/instance-id', '/LATEST/meta-data/instance-id', false],
    ['/latest/meta-data/**', '/latest/meta-data', true],
    ['/latest/meta-data/**', '/latest/meta-data/', true],
    ['/latest/meta-data/**', '/latest/meta-data/public-keys/0/openssh-key', true],
    ['/latest/meta-data/**', '/latest/meta-datax/y', false],
    ['/latest/meta-data/**', '/latest/user-data', false],
    ['/*/meta-data/instance-id', '/2009-04-04/meta-data/instance-id', true],
    ['/*/meta-data/instance-id', '/latest/meta-data/instance-id', true],
    ['/*/meta-data/instance-id', '/a/b/meta-data/instance-id', false],
    ['/*/user-data', '/latest/user-data', true],
    ['/20*/user-data', '/2009-04-04/user-data', true],
    ['/20*/user-data', '/latest/user-data', false],
    ['/**/instance-id', '/instance-id', true],
    ['/**/instance-id', '/latest/meta-data/instance-id', true],
    ['/**/instance-id', '/latest/meta-data/instance-id/x', false],
    ['/openstack/**/meta_data.json', '/openstack/latest/meta_data.json', true],
    ['/openstack/**/meta_data.json', '/openstack/meta_data.json', true],
    ['/openstack/**', '/openstack', true],
    ['/openstack/**', '/openstackx', false],
    ['/**', '/', true],
    ['/**', '/latest/api/token', true],
    ['/', '/', true],
    ['/', '/latest', false],
    ['/a.b/(x)+', '/a.b/(x)+', true],
    ['/a.b/(x)+', '/aXb/(x)+', false],
    ['/latest/api/token/', '/latest/api/token', true],
  ] as const)('%s against %s: %s', (glob, path, expected) => {
    expect(compileGlob(glob, 'test').matches(path)).toBe(expected);
  });

  it.each([
    ['latest/meta-data', /must start with \//],
    ['/latest/**x', /\*\* must be a whole segment/],
    ['/a**/b', /\*\* must be a whole segment/],
  ])('refuses %s', (glob, reason) => {
    let caught: unknown;
    try {
      compileGlob(glob, 'faults[0]');
    } catch (err) {
      caught = err;
    }
    expect(isMinicloudError(caught) && caught.code).toBe('MC_ERR_FAULT_RULE_INVALID');
    expect(String(caught)).toMatch(reason);
    expect(String(caught)).toContain('faults[0]');
  });

  it.each([
    ['/latest/meta-data/?x=1', '/latest/meta-data/'],
    ['//latest//meta-data///instance-id', '/latest/meta-data/instance-id'],
    ['http://169.254.169.254/latest/user-data?a', '/latest/user-data'],
    ['HTTP://169.254.169.254', '/'],
    ['/openstack', '/openstack'],
  ])('the path of %s is %s', (url, path) => {
    expect(faultPath(url)).toBe(path);
  });
});
