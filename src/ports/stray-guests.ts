/** A QEMU of this cloud found by its `-name mc-<cloud>-<instance>` tag, whoever started it. */
export interface StrayGuest {
  pid: number;
  name: string;
  instanceId: string;
}

/**
 * Finds and ends QEMU processes of one cloud that no driver answers for any more (a crashed run's
 * guests, a private libvirtd that died under its QEMUs). The controller decides which are strays.
 */
export interface StrayGuestFinder {
  find(cloudId: string): Promise<StrayGuest[]>;
  /** SIGTERM, then SIGKILL after a grace period. MUST succeed if the process is already gone. */
  end(guest: StrayGuest): Promise<void>;
}
