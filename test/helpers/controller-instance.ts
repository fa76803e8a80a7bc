import type { ControllerInstance } from '../../src/domain/controller-instance.js';

/**
 * A valid controller row with every nested part filled in (direct kernel boot with an initrd, a stage
 * state with reached times, an implied stage and a start time); `n` makes the id unique.
 */
export function sampleControllerInstance(n: number, overrides: Partial<ControllerInstance> = {}): ControllerInstance {
  const hex = n.toString(16).padStart(2, '0');
  return {
    id: `i-${'0'.repeat(15)}${hex}`,
    desired: 'running',
    image: {
      name: 'minicirros',
      path: '/images/minicirros/disk.qcow2',
      format: 'qcow2',
      kernel: { kernelPath: '/images/minicirros/vmlinuz', initrdPath: '/images/minicirros/initrd', cmdline: 'console=ttyS0 ds=nocloud' },
      sshUser: 'cirros',
    },
    cpus: 2,
    memoryMiB: 256,
    diskBytes: 10 * 1024 ** 3, // above 2^32: a 64-bit integer must survive storage
    removeOnExit: false,
    accelerator: 'tcg',
    stages: {
      stage: 'dhcp',
      reached: { defined: 1_700_000_000_000 + n, booting: 1_700_000_000_700 + n, dhcp: 1_700_000_002_200 + n },
      implied: ['booting'],
      startedAt: 1_700_000_000_100 + n,
    },
    failure: null,
    ...overrides,
  };
}
