import type { Duplex } from 'node:stream';
import type { Accelerator } from '../domain/controller-instance.js';
import type { Datasource } from '../domain/instance.js';


/** SMBIOS type-1 strings that give the guest its cloud identity (docs/hypervisors.md, "What every guest gets"). */
export interface SmbiosIdentity {
  /** Type 1, system: Linux's sys_vendor, product_name, product_version, product_serial, product_uuid, product_family. */
  system: SmbiosFields<'manufacturer' | 'product' | 'version' | 'serial' | 'uuid' | 'sku' | 'family'>;
  /** Type 2, baseboard: board_vendor, board_name, board_version, board_serial, board_asset_tag. */
  baseBoard?: SmbiosFields<'manufacturer' | 'product' | 'version' | 'serial' | 'asset'>;
  /** Type 3, chassis: chassis_vendor, chassis_version, chassis_serial, chassis_asset_tag. */
  chassis?: SmbiosFields<'manufacturer' | 'version' | 'serial' | 'asset' | 'sku'>;
}

/** The fields QEMU's `-smbios type=N` and libvirt's `<sysinfo>` accept for one SMBIOS structure. */
export type SmbiosFields<K extends string> = Partial<Record<K, string>>;

/**
 * The SMBIOS structures in the order they are written, with their fields in QEMU's and libvirt's
 * order: the one list both builders (domain-xml.ts, qemu-argv.ts) follow.
 */
export const SMBIOS_LAYOUT = [
  { key: 'system', type: 1, element: 'system', fields: ['manufacturer', 'product', 'version', 'serial', 'uuid', 'sku', 'family'] },
  { key: 'baseBoard', type: 2, element: 'baseBoard', fields: ['manufacturer', 'product', 'version', 'serial', 'asset'] },
  { key: 'chassis', type: 3, element: 'chassis', fields: ['manufacturer', 'version', 'serial', 'asset', 'sku'] },
] as const;

/**
 * Everything a driver needs to run one guest. Built by the controller (pure), turned into domain XML or
 * QEMU argv by pure functions with golden files (fixtures/hypervisor/), executed by the adapter.
 */
export interface GuestSpec {
  cloudId: string;
  instanceId: string;
  /** SMBIOS/libvirt uuid. */
  uuid: string;
  /** Domain/process name; always `mc-<cloudId>-<instanceId>` so `prune` can find orphans by prefix. */
  name: string;
  datasource: Datasource;
  cpus: number;
  memoryMiB: number;
  disk: {
    /** The read-only base image; never written. */
    basePath: string;
    baseFormat: 'qcow2' | 'raw';
    /** The per-instance qcow2 overlay the guest writes to. */
    overlayPath: string;
    /** Virtual size of the overlay in bytes; null keeps the base's size. */
    sizeBytes: number | null;
  };
  /** Direct kernel boot; null boots the disk's bootloader. */
  kernel: { kernelPath: string; initrdPath: string | null; cmdline: string } | null;
  nic: {
    mac: string;
    /** The bridge the tap is enslaved to. */
    bridge: string;
    /** Tap name chosen by the controller (≤ 15 chars), so anti-spoofing rules can name it. */
    tapName: string;
  };
  smbios: SmbiosIdentity;
  /** A `config-2` ISO to attach (datasource `configdrive`), or null. */
  configDrivePath: string | null;
  /** An ISO to attach as an IDE CD-ROM (the guest's /dev/sr0: a cloud's provisioning media), or null. */
  cdromPath: string | null;
  /** Serial console log, written from the first byte. */
  consoleLogPath: string;
  /** Directory for the driver's per-instance files (pid file, QMP socket). */
  runDir: string;
  accelerator: Accelerator;
}

export type GuestState = 'running' | 'paused' | 'shutoff' | 'crashed' | 'unknown';

/** What a driver sees of one of its guests: the controller's view of reality. */
export interface GuestObservation {
  cloudId: string;
  instanceId: string;
  name: string;
  state: GuestState;
  /** The QEMU process id, when running and known. */
  pid: number | null;
  accelerator: Accelerator | null;
}

/**
 * A hypervisor driver (libvirt, direct QEMU, fake). One contract suite (test/contract/hypervisor.contract.ts)
 * runs against every implementation; they must behave the same.
 */
export interface Hypervisor {
  readonly kind: 'libvirt' | 'qemu' | 'fake';
  /** Defines the guest (creating its overlay disk). MUST succeed if an identical guest is already defined. */
  define(spec: GuestSpec): Promise<void>;
  /** Starts a defined guest. MUST succeed if it is already running. */
  start(instanceId: string): Promise<void>;
  /** ACPI power button, then force off after `timeoutMs`. MUST succeed if it is not running. */
  stop(instanceId: string, opts: { timeoutMs: number }): Promise<void>;
  /** Immediate power off. MUST succeed if it is not running. */
  destroy(instanceId: string): Promise<void>;
  /** Removes the definition and the overlay and per-instance files. MUST succeed if it does not exist. */
  undefine(instanceId: string): Promise<void>;
  /** This cloud's guests only (matched by the name prefix / metadata tag). Cheap: called on every reconcile. */
  list(): Promise<GuestObservation[]>;
  /**
   * The guest's serial console as a duplex stream (guest output in, keystrokes out), for `minicloud console`.
   * One client at a time; the console log (GuestSpec.consoleLogPath) records every byte either way.
   * Rejects if the guest is not running.
   */
  attachConsole(instanceId: string): Promise<Duplex>;
  /** Releases connections; guests keep running. */
  close(): Promise<void>;
}
