import { errors } from '../../errors/catalogue.js';
import type { GuestSpec } from '../../ports/hypervisor.js';
import { guestFiles } from './guest-files.js';
import { guestName } from '../../core/guest-name.js';

/** Linux interface names are at most 15 bytes (IFNAMSIZ - 1). */
const MAX_IFNAME = 15;
/** sun_path is 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Rejects specs the builders would turn into a guest that silently misbehaves (a truncated tap name, a
 * socket path the kernel refuses, an SMBIOS uuid that disagrees with the domain uuid). Throws
 * MC_ERR_GUEST_SPEC_INVALID; returns nothing when the spec is sound.
 */
export function checkGuestSpec(spec: GuestSpec): void {
  const bad = (reason: string): never => {
    throw errors.guestSpecInvalid(spec.instanceId, reason);
  };
  if (spec.name !== guestName(spec.cloudId, spec.instanceId)) {
    bad(`name must be ${guestName(spec.cloudId, spec.instanceId)}, got ${spec.name}`);
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(spec.cloudId)) bad(`cloud id ${spec.cloudId} must be lowercase letters, digits and '-'`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(spec.instanceId)) bad('instance id must be letters, digits, ".", "_" or "-"');
  if (!Number.isInteger(spec.cpus) || spec.cpus < 1) bad(`cpus must be a positive integer, got ${spec.cpus}`);
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 32) bad(`memory must be at least 32 MiB, got ${spec.memoryMiB}`);
  if (spec.nic.tapName.length > MAX_IFNAME) bad(`tap name ${spec.nic.tapName} is longer than ${MAX_IFNAME} characters`);
  if (spec.nic.bridge.length > MAX_IFNAME) bad(`bridge name ${spec.nic.bridge} is longer than ${MAX_IFNAME} characters`);
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(spec.nic.mac)) bad(`MAC ${spec.nic.mac} must be lowercase xx:xx:xx:xx:xx:xx`);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(spec.uuid)) bad(`uuid ${spec.uuid} must be a lowercase uuid`);
  if (spec.smbios.system.uuid !== undefined && spec.smbios.system.uuid !== spec.uuid) {
    bad(`SMBIOS uuid ${spec.smbios.system.uuid} differs from the guest uuid ${spec.uuid} (libvirt requires them equal)`);
  }
  if (spec.disk.sizeBytes !== null && (!Number.isInteger(spec.disk.sizeBytes) || spec.disk.sizeBytes <= 0)) {
    bad(`disk size must be a positive number of bytes, got ${spec.disk.sizeBytes}`);
  }
  const files = guestFiles(spec.runDir);
  for (const socket of [files.qmpSocket, files.consoleSocket]) {
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) bad(`socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter state directory`);
  }
}
