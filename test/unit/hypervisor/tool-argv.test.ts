import { describe, expect, it } from 'vitest';
import { configDriveIsoArgv } from '../../../src/adapters/hypervisor/config-drive-iso.js';
import { privateLibvirtdArgv, privateLibvirtdUri } from '../../../src/adapters/hypervisor/libvirt/private-libvirtd.js';
import { overlayCreateArgv } from '../../../src/adapters/hypervisor/overlay-disk.js';

// The command lines the hypervisor adapters run, built by pure functions (the tools themselves run in
// disk-and-drive-tools.test.ts and the vm tier).
describe('tool command lines', () => {
  it('qemu-img: a qcow2 overlay over the absolute base path, with the virtual size only when asked', () => {
    const disk = { basePath: 'images/base.qcow2', baseFormat: 'qcow2' as const, overlayPath: '/var/lib/minicloud/i-1/disk.qcow2', sizeBytes: null };
    expect(overlayCreateArgv(disk)).toEqual(['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', `${process.cwd()}/images/base.qcow2`, '/var/lib/minicloud/i-1/disk.qcow2']);
    expect(overlayCreateArgv({ ...disk, baseFormat: 'raw', sizeBytes: 2 ** 30 }).slice(-2)).toEqual(['/var/lib/minicloud/i-1/disk.qcow2', '1073741824']);
    expect(overlayCreateArgv({ ...disk, baseFormat: 'raw' })).toContain('raw');
  });

  it('xorriso: an ISO 9660 labelled config-2 with Rock Ridge and Joliet, as Nova writes it', () => {
    expect(configDriveIsoArgv('/x/config-2.iso', '/tmp/stage')).toEqual(['-as', 'mkisofs', '-quiet', '-o', '/x/config-2.iso', '-V', 'config-2', '-r', '-J', '/tmp/stage']);
  });

  it('the private libvirtd: started in the cloud namespace (when it has one) with a private mount namespace', () => {
    expect(privateLibvirtdArgv('/home/c/libvirt', 'mycloud')).toEqual(['nsenter', '--net=/run/netns/mycloud', 'unshare', '--mount', '--propagation', 'private', 'sh', '/home/c/libvirt/start.sh', '/home/c/libvirt']);
    expect(privateLibvirtdArgv('/home/c/libvirt', null)[0]).toBe('unshare');
    expect(privateLibvirtdUri('/home/c/libvirt')).toBe('qemu+unix:///system?socket=/home/c/libvirt/run/libvirt-sock');
  });
});
