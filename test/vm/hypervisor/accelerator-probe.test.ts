import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { detectAccelerator, probeKvm, quickAcceleratorVerdict, readHostCpuFacts } from '../../../src/adapters/hypervisor/qemu/accelerator.js';
import { describeWhen } from '../../helpers/tier-requirements.js';
import { MINICIRROS, requireMinicirros } from './guest-world.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'mc-accel-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

// The real KVM probe: a stock kernel under -accel kvm must print its first line, or the host gets TCG.
// Where the cheap checks already say no (no vmx/svm, PVM-only KVM: this CI host), the probe must agree,
// even though /dev/kvm opens; where they pass, KVM must really boot the kernel.
describeWhen({ root: true, commands: ['qemu-system-x86_64'] }, 'accelerator detection', () => {
  it('the boot probe agrees with what the host can really do', async () => {
    requireMinicirros();
    const quick = quickAcceleratorVerdict(await readHostCpuFacts());
    if (!existsSync('/dev/kvm')) return expect(quick?.accelerator).toBe('tcg');
    const probed = await probeKvm({ kernelPath: MINICIRROS.kernel, timeoutMs: 6000 });
    expect(probed.accelerator).toBe(quick?.accelerator ?? 'kvm');
    expect(probed.reason.length).toBeGreaterThan(0);
  });

  it('detectAccelerator caches its verdict per host boot', async () => {
    const first = await detectAccelerator({ kernelPath: MINICIRROS.kernel, cacheDir });
    expect(readdirSync(cacheDir)).toEqual([expect.stringMatching(/^accelerator-[0-9a-f-]+\.json$/)]);
    expect(await detectAccelerator({ kernelPath: '/nonexistent', cacheDir })).toEqual(first);
  });
});
