import { describe, expect, it } from 'vitest';
import { acceleratorNotice, kvmProbeArgv, quickAcceleratorVerdict } from '../../../src/adapters/hypervisor/qemu/accelerator.js';

describe('quickAcceleratorVerdict (docs/hypervisors.md, Acceleration)', () => {
  it('says tcg without /dev/kvm', () => {
    expect(quickAcceleratorVerdict({ cpuFlags: ['vmx'], hasKvmPvm: false, hasDevKvm: false })?.accelerator).toBe('tcg');
  });
  it('says tcg without vmx/svm even when /dev/kvm opens (this host)', () => {
    expect(quickAcceleratorVerdict({ cpuFlags: ['hypervisor', 'sse2'], hasKvmPvm: true, hasDevKvm: true })?.accelerator).toBe('tcg');
  });
  it('says tcg for PVM-only KVM', () => {
    expect(quickAcceleratorVerdict({ cpuFlags: ['svm'], hasKvmPvm: true, hasDevKvm: true })?.reason).toMatch(/PVM/);
  });
  it('leaves the decision to a real boot when the cheap checks pass', () => {
    expect(quickAcceleratorVerdict({ cpuFlags: ['vmx'], hasKvmPvm: false, hasDevKvm: true })).toBeNull();
  });
});

describe('kvm probe', () => {
  it('boots under -accel kvm with -cpu host and the serial on stdout', () => {
    const argv = kvmProbeArgv('/k');
    expect(argv.slice(0, 4)).toEqual(['-accel', 'kvm', '-cpu', 'host']);
    expect(argv).toContain('-no-reboot');
    expect(argv[argv.indexOf('-serial') + 1]).toBe('stdio');
  });
  it('prints a notice for tcg only', () => {
    expect(acceleratorNotice({ accelerator: 'kvm', reason: 'x' })).toBeNull();
    expect(acceleratorNotice({ accelerator: 'tcg', reason: 'no vmx' })).toMatch(/TCG.*no vmx/);
  });
});
