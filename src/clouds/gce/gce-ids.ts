import { derivedHex, networkSeed } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';

/**
 * The identifiers GCE shows that an instance record does not carry, derived by hashing so the same
 * instance always shows the same values (and golden files stay stable). Pure.
 */

/** The project the instances of one cloud belong to. */
export interface GceProject {
  /** `minicloud-<6 hex>`: lower case, starts with a letter, as GCE project ids do. */
  projectId: string;
  /** 12 decimal digits, as GCE project numbers have. */
  numericProjectId: string;
}

/** The project of a cloud whose (Nova-style) project id is `seed`: one project per cloud, as one Nova project. */
export function gceProject(seed: string): GceProject {
  return { projectId: `minicloud-${derivedHex(`gce-project:${seed}`, 6)}`, numericProjectId: derivedDecimal(`gce-project-number:${seed}`, 12) };
}

/** GCE's numeric instance id (19 digits), derived from the record's id. */
export function gceInstanceId(instanceId: string): string {
  return derivedDecimal(`gce-instance:${instanceId}`, 19);
}

/** A `digits`-digit decimal number (no leading zero) derived from `seed`. At most 19 digits. */
function derivedDecimal(seed: string, digits: number): string {
  if (digits < 2 || digits > 19) throw new Error(`derivedDecimal: ${digits} digits is out of range`);
  const low = 10n ** BigInt(digits - 1);
  return (low + (BigInt(`0x${derivedHex(seed, 16)}`) % (9n * low))).toString();
}

/**
 * The zone in GCE's form, `<region>-<letter>`. A record's zone in EC2's form (`us-east-1a` in region
 * `us-east-1`) becomes `us-east-1-a`, so cloud-init's region (the zone without its last `-x`) is the
 * record's region; any other zone (`europe-west1-b`, `nova`) is served as it is.
 */
export function gceZone(instance: InstanceRecord): string {
  const { availabilityZone: zone, region } = instance;
  const rest = zone.startsWith(region) ? zone.slice(region.length) : '';
  return /^[a-z]$/.test(rest) ? `${region}-${rest}` : zone;
}

/**
 * The hostname GCE gives: the zonal internal DNS name `<name>.<zone>.c.<project>.internal`, or the
 * record's hostname as it is when it is already a fully qualified name (GCE's custom hostnames).
 */
export function gceHostname(instance: InstanceRecord, project: GceProject): string {
  if (instance.hostname.includes('.')) return instance.hostname;
  return `${instance.hostname}.${gceZone(instance)}.c.${project.projectId}.internal`;
}

/** The guest's router on minicloud's network: the .1 of its /24 (the bridge; NetworkConfig.gateway). */
export function gceGateway(instance: InstanceRecord): string {
  return `${networkSeed(instance.ip)}.1`;
}

/** The project's default compute service account, as GCE names it. */
export function gceServiceAccountEmail(project: GceProject): string {
  return `${project.numericProjectId}-compute@developer.gserviceaccount.com`;
}
