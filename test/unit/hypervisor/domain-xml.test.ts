import { describe, expect, it } from 'vitest';
import { domainXml, parseGuestTag } from '../../../src/adapters/hypervisor/libvirt/domain-xml.js';
import { GOLDEN_CASES, sampleGuestSpec } from './sample-guest-spec.js';
import { expectGolden } from './golden.js';

describe('domainXml', () => {
  for (const [name, spec] of Object.entries(GOLDEN_CASES)) {
    it(`matches fixtures/hypervisor/${name}.xml`, () => {
      expectGolden(`${name}.xml`, domainXml(spec));
    });
  }

  it('keeps the settings the host notes found necessary', () => {
    const xml = domainXml(sampleGuestSpec('openstack'));
    expect(xml).toContain("<domain type='qemu'>");
    expect(xml).toMatch(/<features>\s*<acpi\/>\s*<\/features>/);
    expect(xml).toContain("<type arch='x86_64' machine='pc'>hvm</type>");
    expect(xml).toContain("<cpu mode='maximum' check='none'/>");
    expect(xml).toContain('<on_poweroff>destroy</on_poweroff>');
    expect(xml).toContain("<memballoon model='none'/>");
    expect(xml).toContain("<target dev='mc1a2b012345678'/>");
    expect(xml).toContain("<mac address='52:54:00:12:34:56'/>");
    expect(xml).toContain("<log file='/var/lib/minicloud/c1/instances/i-0123456789abcdef0/console.log' append='off'/>");
  });

  it('uses type kvm only when the accelerator is kvm', () => {
    expect(domainXml(sampleGuestSpec('openstack', { accelerator: 'kvm' }))).toContain("<domain type='kvm'>");
  });

  it('escapes XML in every string it copies from the spec', () => {
    const spec = sampleGuestSpec('openstack', {
      kernel: { kernelPath: '/k', initrdPath: null, cmdline: `a<b & c='d'` },
    });
    const xml = domainXml(spec);
    expect(xml).toContain('<cmdline>a&lt;b &amp; c=&apos;d&apos;</cmdline>');
    expect(xml).not.toContain('<initrd>');
  });

  it('round-trips the tag and spec through <metadata>', () => {
    const spec = sampleGuestSpec('nocloud');
    const tag = parseGuestTag(domainXml(spec));
    expect(tag).toEqual({ cloudId: 'c1', instanceId: 'i-0123456789abcdef0', accelerator: 'tcg', spec });
  });

  it('finds no tag in a domain minicloud did not define', () => {
    expect(parseGuestTag("<domain type='test'><name>test</name></domain>")).toBeNull();
  });
});
