import type { InstanceRecord } from '../../domain/instance.js';

/** The user-data key cloud-init reads (`/user_data/cloud-init`), and the vendor-data key of the same name. */
const CLOUD_INIT_KEY = 'cloud-init';

/**
 * Scaleway's user data is a key/value store (`/user_data/<key>`); minicloud's instance has one value, its
 * user-data, under the key cloud-init reads. Absent when the instance has none (Scaleway: 404). Pure.
 */
export function scalewayUserData(instance: InstanceRecord): ReadonlyMap<string, Uint8Array> {
  return instance.userData === null ? new Map() : new Map([[CLOUD_INIT_KEY, instance.userData]]);
}

/** Vendor data: the instance's `vendorData['cloud-init']` text under `cloud-init`, when it has one. Pure. */
export function scalewayVendorData(instance: InstanceRecord): ReadonlyMap<string, Uint8Array> {
  const text = instance.vendorData[CLOUD_INIT_KEY];
  return typeof text === 'string' ? new Map([[CLOUD_INIT_KEY, new TextEncoder().encode(text)]]) : new Map();
}
