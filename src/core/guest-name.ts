/**
 * Names and tags that mark a guest as minicloud's. Every domain, process and file carries the cloud id
 * and instance id, so `prune` can find orphans even when the controller's database is gone.
 */

/** Every guest name starts with this; `prune` matches on it. */
export const GUEST_NAME_PREFIX = 'mc-';

/** `mc-<cloudId>-<instanceId>`: the libvirt domain name and the QEMU `-name` of one guest. */
export function guestName(cloudId: string, instanceId: string): string {
  return `${GUEST_NAME_PREFIX}${cloudId}-${instanceId}`;
}

/** The name prefix shared by one cloud's guests (`mc-<cloudId>-`). */
export function cloudNamePrefix(cloudId: string): string {
  return `${GUEST_NAME_PREFIX}${cloudId}-`;
}

/** The tag written into libvirt `<metadata>` and the QEMU driver's `guest.json`. */
export interface GuestTag {
  cloudId: string;
  instanceId: string;
  accelerator: 'kvm' | 'tcg';
}

/** XML namespace of minicloud's libvirt `<metadata>` element. Never changes: prune of old guests relies on it. */
export const GUEST_TAG_XMLNS = 'https://github.com/minicloud/minicloud/xmlns/guest/1';
