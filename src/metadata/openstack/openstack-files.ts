import type { InstanceRecord } from '../../domain/instance.js';
import { OPENSTACK_VERSION_DATES as V } from './openstack-versions.js';

/** Nova stores at most 4 × 255 bytes of password (nova/api/metadata/password.py). */
export const PASSWORD_MAX_BYTES = 1020;

export type OpenstackFile =
  | 'meta_data.json'
  | 'user_data'
  | 'password'
  | 'vendor_data.json'
  | 'network_data.json'
  | 'vendor_data2.json';

/**
 * The files of `/openstack/<version>/`, in Nova's order (`_handle_version`), gated by version date.
 * The plugin serves exactly these names, so the listing and the routes cannot disagree.
 */
export function openstackFiles(instance: InstanceRecord, versionDate: string): OpenstackFile[] {
  const files: OpenstackFile[] = ['meta_data.json'];
  if (instance.userData !== null) files.push('user_data');
  if (versionDate >= V.GRIZZLY) files.push('password');
  if (versionDate >= V.HAVANA) files.push('vendor_data.json');
  if (versionDate >= V.LIBERTY) files.push('network_data.json');
  if (versionDate >= V.NEWTON_TWO) files.push('vendor_data2.json');
  return files;
}

/**
 * vendor_data.json is the static vendor data, `{}` when there is none (never an empty body: cloud-init
 * raises BrokenMetadata on one). vendor_data2.json nests it under `static` like Nova's StaticJSON
 * provider, and is `{}` too when there is nothing to say.
 */
export function vendorData(instance: InstanceRecord): Record<string, unknown> {
  return { ...instance.vendorData };
}

export function vendorData2(instance: InstanceRecord): Record<string, unknown> {
  return Object.keys(instance.vendorData).length === 0 ? {} : { static: { ...instance.vendorData } };
}
