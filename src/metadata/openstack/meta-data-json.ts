import type { InstanceRecord } from '../../domain/instance.js';
import { OPENSTACK_VERSION_DATES as V } from './openstack-versions.js';

export interface OpenstackContext {
  /** Nova's `project_id` (Keystone project), shown from LIBERTY on. */
  projectId: string;
}

/**
 * Nova's meta_data.json (`_metadata_as_json`) for one instance at one version date. `randomSeed` is the
 * base64 of 512 random bytes, fresh per request as in Nova (the caller supplies it, so this stays pure).
 * Key order and version gates follow Nova's code; `meta` only when the instance has any, key fields only
 * when it has a key pair.
 */
export function buildMetaDataJson(
  instance: InstanceRecord,
  versionDate: string,
  ctx: OpenstackContext,
  randomSeed: string,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    uuid: instance.uuid,
  };
  if (Object.keys(instance.meta).length > 0) doc['meta'] = { ...instance.meta };
  if (instance.publicKeys.length > 0) {
    doc['public_keys'] = Object.fromEntries(instance.publicKeys.map((k) => [k.name, k.key]));
    // Nova sets `keys` beside `public_keys` without a version gate: every version carries it.
    doc['keys'] = instance.publicKeys.map((k) => ({ name: k.name, type: 'ssh', data: k.key }));
  }
  doc['hostname'] = instance.hostname;
  doc['name'] = instance.name;
  doc['launch_index'] = instance.launchIndex;
  doc['availability_zone'] = instance.availabilityZone;
  if (versionDate >= V.GRIZZLY) doc['random_seed'] = randomSeed;
  if (versionDate >= V.LIBERTY) doc['project_id'] = ctx.projectId;
  // One untagged NIC and no tagged disks: Nova leaves such devices out, so the list is empty.
  if (versionDate >= V.NEWTON_ONE) doc['devices'] = [];
  // No pinned CPUs: Nova's sorted list of dedicated pCPUs is empty.
  if (versionDate >= V.VICTORIA) doc['dedicated_cpus'] = [];
  return doc;
}
