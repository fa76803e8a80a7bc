import { FakeHypervisor } from '../../src/adapters/hypervisor/fake/fake-hypervisor.js';
import { sampleGuestSpec } from '../unit/hypervisor/sample-guest-spec.js';
import { guestName } from '../../src/core/guest-name.js';
import { hypervisorContract } from './hypervisor.contract.js';

hypervisorContract('fake', async () => ({
  hypervisor: new FakeHypervisor({ cloudId: 'c1' }),
  otherCloud: new FakeHypervisor({ cloudId: 'c2' }),
  spec: (cloudId, instanceId) => sampleGuestSpec('openstack', { cloudId, instanceId, name: guestName(cloudId, instanceId) }),
  cloudId: 'c1',
  otherCloudId: 'c2',
  createsFiles: false,
  reportsPid: true,
  hasConsole: true,
  dispose: async () => {},
}));
