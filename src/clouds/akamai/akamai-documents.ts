import { derivedHex, derivedUuid } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';

/**
 * The Linode id of an instance: Akamai's instance ids are integers (8 digits today), derived from the
 * instance id so it is stable. It is both `/v1/instance`'s `id` (cloud-init's instance-id) and the
 * SMBIOS system serial (cloud-init's fallback instance-id and its `check_instance_id`). Pure.
 */
export function linodeId(instanceId: string): number {
  return (parseInt(derivedHex(`akamai-linode:${instanceId}`, 8), 16) % 90_000_000) + 10_000_000;
}

/**
 * `/v1/instance` (JSON form), the fields of Linode's metadata client (linode/go-metadata InstanceData) in
 * that order. cloud-init reads only `id`. The instance record has no vCPU, memory or disk sizes, so
 * `specs` is left out rather than invented; `label` is the instance name, `type` its instance type. Pure.
 */
export function akamaiInstance(instance: InstanceRecord, accountId: string): Record<string, unknown> {
  return {
    id: linodeId(instance.id),
    label: instance.name,
    region: instance.region,
    type: instance.instanceType,
    host_uuid: derivedHex(`akamai-host:${instance.availabilityZone}`, 40),
    tags: [],
    backups: { enabled: false, status: null },
    image: { id: instance.imageId, label: instance.imageId },
    account_euuid: derivedUuid(`akamai-account:${accountId}`).toUpperCase(),
  };
}

/**
 * `/v1/network` (JSON form), in go-metadata's NetworkData shape: no VLANs; the guest's one IPv4 address
 * as its public address (`/32`, as Linode lists them); no IPv6 (minicloud's guests have none yet). Pure.
 */
export function akamaiNetwork(instance: InstanceRecord): Record<string, unknown> {
  return {
    vlans: [],
    ipv4: { public: [`${instance.ip}/32`], private: [], shared: [] },
    ipv6: { slaac: null, 'link-local': null, ranges: [], 'shared-ranges': [] },
  };
}

/** `/v1/ssh-keys` (JSON form): the instance's keys, as the root user's (Linode's authorized_keys at deploy). Pure. */
export function akamaiSshKeys(instance: InstanceRecord): Record<string, unknown> {
  return { users: { root: instance.publicKeys.map((k) => k.key.trimEnd()) } };
}

/** `/v1/user-data`: the user-data base64-encoded, as Akamai serves it (cloud-init decodes it); null when none. Pure. */
export function akamaiUserData(instance: InstanceRecord): string | null {
  return instance.userData === null ? null : Buffer.from(instance.userData).toString('base64');
}

/**
 * The text/plain form of a document (Akamai's default when the request does not ask for JSON): one
 * `key: value` a line, nested keys joined by `.` (`backups.enabled: false`), a list of values on one line
 * separated by spaces, null as nothing. Pure. Not verified against a live server beyond scripts that
 * `grep ^id:` and `ipv4.public:` in it.
 */
export function akamaiText(doc: Record<string, unknown>): string {
  const lines: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) lines.push(`${prefix}: ${value.map(scalarText).join(' ')}`.trimEnd());
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix === '' ? k : `${prefix}.${k}`, v);
    else lines.push(`${prefix}: ${scalarText(value)}`.trimEnd());
  };
  walk('', doc);
  return `${lines.join('\n')}\n`;
}

/** A JSON scalar as text: null as nothing; an object (never in these documents' lists) as JSON. */
function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : `${value as string | number | boolean}`;
}
