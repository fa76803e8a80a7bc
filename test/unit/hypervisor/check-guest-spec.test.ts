import { describe, expect, it } from 'vitest';
import { checkGuestSpec } from '../../../src/adapters/hypervisor/check-guest-spec.js';
import { sampleGuestSpec } from './sample-guest-spec.js';

function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as { code?: string }).code ?? 'not coded';
  }
}

describe('checkGuestSpec', () => {
  it('accepts the sample spec', () => {
    expect(codeOf(() => checkGuestSpec(sampleGuestSpec('openstack')))).toBeNull();
  });

  const bad: [string, Parameters<typeof sampleGuestSpec>[1]][] = [
    ['a tap name over 15 characters', { nic: { mac: '52:54:00:12:34:56', bridge: 'minicloud0', tapName: 'mc0123456789abcd' } }],
    ['a name without the mc-<cloud>-<instance> prefix', { name: 'guest1' }],
    ['an SMBIOS uuid that differs from the guest uuid', { smbios: { system: { uuid: '00000000-0000-4000-8000-000000000000' } } }],
    ['zero cpus', { cpus: 0 }],
    ['an uppercase MAC', { nic: { mac: '52:54:00:AA:34:56', bridge: 'minicloud0', tapName: 'mc1' } }],
    ['a socket path the kernel refuses', { runDir: `/tmp/${'x'.repeat(120)}` }],
  ];
  for (const [what, overrides] of bad) {
    it(`rejects ${what}`, () => {
      expect(codeOf(() => checkGuestSpec(sampleGuestSpec('openstack', overrides)))).toBe('MC_ERR_GUEST_SPEC_INVALID');
    });
  }
});
