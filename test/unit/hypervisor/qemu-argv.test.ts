import { describe, expect, it } from 'vitest';
import { qemuArgv } from '../../../src/adapters/hypervisor/qemu/qemu-argv.js';
import { GOLDEN_CASES, sampleGuestSpec } from './sample-guest-spec.js';
import { expectGolden } from './golden.js';

describe('qemuArgv', () => {
  for (const [name, spec] of Object.entries(GOLDEN_CASES)) {
    it(`matches fixtures/hypervisor/${name}.argv`, () => {
      expectGolden(`${name}.argv`, qemuArgv(spec).join('\n') + '\n');
    });
  }

  it('never lets QEMU add a default or user-mode NIC', () => {
    const argv = qemuArgv(sampleGuestSpec('ec2'));
    expect(argv).toContain('-nodefaults');
    expect(argv).toContain('-no-user-config');
    const netdevs = argv.filter((_, i) => argv[i - 1] === '-netdev');
    expect(netdevs).toEqual(['tap,id=net0,ifname=mc1a2b012345678,script=no,downscript=no']);
    expect(argv.join(' ')).not.toMatch(/user,|-nic|slirp/);
  });

  it('starts paused with QMP, a pid file and the serial console logged from the first byte', () => {
    const argv = qemuArgv(sampleGuestSpec('openstack'));
    const run = '/var/lib/minicloud/c1/instances/i-0123456789abcdef0/run';
    expect(argv).toContain('-S');
    expect(argv).toContain(`unix:${run}/qmp.sock,server=on,wait=off`);
    expect(argv[argv.indexOf('-pidfile') + 1]).toBe(`${run}/qemu.pid`);
    expect(argv[argv.indexOf('-chardev') + 1]).toContain('logfile=/var/lib/minicloud/c1/instances/i-0123456789abcdef0/console.log');
    expect(argv[argv.indexOf('-accel') + 1]).toBe('tcg');
    expect(argv[argv.indexOf('-M') + 1]).toBe('pc');
  });

  it('doubles commas inside option values', () => {
    const spec = sampleGuestSpec('openstack', { smbios: { system: { manufacturer: 'A, Inc.', uuid: sampleGuestSpec('openstack').uuid } } });
    expect(qemuArgv(spec)).toContain(`type=1,manufacturer=A,, Inc.,uuid=${spec.uuid}`);
  });
});
