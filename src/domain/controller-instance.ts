import type { StageState } from './stages.js';

/** How QEMU runs a guest: hardware virtualisation, or software emulation when KVM cannot be used. */
export type Accelerator = 'kvm' | 'tcg';

/** A disk image resolved to files on this host. */
export interface ImageRef {
  /** What the user named (`minicirros`, or the path as given). */
  name: string;
  path: string;
  format: 'qcow2' | 'raw';
  /** Direct kernel boot (tiny images); null boots the disk's own boot loader. */
  kernel: { kernelPath: string; initrdPath: string | null; cmdline: string } | null;
  /** The login user the image's sshd accepts the cloud key for (cirros: `cirros`, Debian: `debian`). */
  sshUser: string;
}

/**
 * What the controller wants for an instance. `deleted` stays until the guest is gone; `stopped` keeps the
 * guest defined and powered off (a cloud event stopped it: docs/events.md).
 */
export type DesiredState = 'running' | 'stopped' | 'deleted';

/** A failure that stops the controller from acting on the instance (no retry); `delete` clears it. */
export interface InstanceFailure {
  code: string;
  message: string;
  hint: string | null;
  exit: number;
  at: number;
}

/**
 * The controller's own record of an instance, next to the metadata plane's InstanceRecord (same id).
 * Everything needed to re-create the guest and to answer `info` after a controller restart.
 */
export interface ControllerInstance {
  id: string;
  desired: DesiredState;
  image: ImageRef;
  cpus: number;
  memoryMiB: number;
  /** Overlay virtual size in bytes; null keeps the image's size. */
  diskBytes: number | null;
  /** Delete the instance when the `run` that created it ends. */
  removeOnExit: boolean;
  accelerator: Accelerator | null;
  stages: StageState;
  failure: InstanceFailure | null;
}
