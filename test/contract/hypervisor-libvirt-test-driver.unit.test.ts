import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLibvirtHypervisor } from '../../src/adapters/hypervisor/libvirt/libvirt-hypervisor.js';
import { guestName } from '../../src/core/guest-name.js';
import { sampleGuestSpec } from '../unit/hypervisor/sample-guest-spec.js';
import { describeWhen } from '../helpers/tier-requirements.js';
import { hypervisorContract } from './hypervisor.contract.js';

// libvirt's built-in test driver: an in-memory hypervisor inside this process. It runs the real bindings,
// the real domain XML through libvirt's parser and real overlays (qemu-img), but boots nothing.
describeWhen({ commands: ['qemu-img'] }, 'libvirt test:///default', () => {
  hypervisorContract('libvirt (test:///default)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-lvt-'));
    const base = join(dir, 'base.raw');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', base, '16M']);
    const spec = (cloudId: string, instanceId: string) => {
      const inst = join(dir, cloudId, instanceId);
      return sampleGuestSpec('openstack', {
        cloudId,
        instanceId,
        name: guestName(cloudId, instanceId),
        disk: { basePath: base, baseFormat: 'raw', overlayPath: join(inst, 'disk.qcow2'), sizeBytes: null },
        consoleLogPath: join(inst, 'console.log'),
        runDir: join(inst, 'run'),
      });
    };
    return {
      hypervisor: await openLibvirtHypervisor({ cloudId: 'c1', uri: 'test:///default' }),
      otherCloud: await openLibvirtHypervisor({ cloudId: 'c2', uri: 'test:///default' }),
      spec,
      cloudId: 'c1',
      otherCloudId: 'c2',
      createsFiles: true,
      reportsPid: false,
      hasConsole: false,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
});
