import { defineError, ExitCode } from '../define-error.js';

/** Errors of the hypervisor area. Add new codes here; docs/errors.md must list each one (a unit test checks). */
export const hypervisorErrors = {
  hypervisorUnavailable: defineError('MC_ERR_HYPERVISOR_UNAVAILABLE', {
    summary: 'The hypervisor subsystem cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `hypervisor: ${detail}`,
  }),
  guestSpecInvalid: defineError('MC_ERR_GUEST_SPEC_INVALID', {
    summary: 'A guest spec handed to a hypervisor driver is inconsistent (a bug in the caller, or a bad flag).',
    exit: ExitCode.usage,
    message: (instanceId: string, reason: string) => `guest ${instanceId}: ${reason}`,
    hint: () => 'Check the instance flags (cpus, memory, disk size, names); tap and bridge names are at most 15 characters.',
  }),
  guestUnknown: defineError('MC_ERR_GUEST_UNKNOWN', {
    summary: 'A lifecycle call named an instance the hypervisor driver has no definition for.',
    exit: ExitCode.usage,
    message: (instanceId: string) => `no guest is defined for instance ${instanceId}`,
    hint: () => 'Run `minicloud ls` to see the instances of this cloud.',
  }),
  guestStartFailed: defineError('MC_ERR_GUEST_START_FAILED', {
    summary: 'QEMU (directly or through libvirt) refused to start the guest or died while starting.',
    exit: ExitCode.boot,
    message: (instanceId: string, detail: string) => `guest ${instanceId} failed to start: ${detail}`,
    hint: () => 'The message quotes QEMU/libvirt; check the image paths and that no other process uses the tap name.',
  }),
  diskToolFailed: defineError('MC_ERR_DISK_TOOL_FAILED', {
    summary: 'qemu-img could not create, inspect or resize an instance overlay disk.',
    exit: ExitCode.image,
    message: (action: string, path: string, detail: string) => `qemu-img ${action} ${path}: ${detail}`,
    hint: () => 'Check that the base image exists, is readable and has the format given (raw or qcow2).',
  }),
  configDriveFailed: defineError('MC_ERR_CONFIG_DRIVE_FAILED', {
    summary: 'The config-2 ISO for a configdrive instance could not be written.',
    exit: ExitCode.host,
    message: (path: string, detail: string) => `cannot build config drive ${path}: ${detail}`,
    hint: () => 'Install xorriso (or genisoimage): scripts/install-host-packages.sh.',
  }),
  libvirtFailed: defineError('MC_ERR_LIBVIRT_FAILED', {
    summary: 'A libvirt call failed; the message carries libvirt\'s own error text.',
    exit: ExitCode.host,
    message: (uri: string, action: string, detail: string) => `libvirt (${uri}) ${action}: ${detail}`,
    hint: () => 'Check that the libvirt daemon for this URI is running (`virsh -c URI version`), or use `--driver qemu`.',
  }),
  libvirtUnavailable: defineError('MC_ERR_LIBVIRT_UNAVAILABLE', {
    summary: 'The libvirt driver was asked for, but the Node bindings or the daemon are not usable.',
    exit: ExitCode.host,
    message: (detail: string) => `libvirt driver unavailable: ${detail}`,
    hint: () => 'Install libvirt-daemon and libvirt-dev and rebuild @unraid/libvirt (`npm rebuild @unraid/libvirt`), or use `--driver qemu`.',
  }),
  qmpFailed: defineError('MC_ERR_QMP_FAILED', {
    summary: 'A QMP command to a running QEMU failed or its socket did not answer.',
    exit: ExitCode.host,
    message: (socketPath: string, command: string, detail: string) => `QMP ${command} on ${socketPath}: ${detail}`,
    hint: () => 'The QEMU process may have died; `minicloud ls` shows its state and the console log its last words.',
  }),
};
