import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The instances files the real-client tests serve; each holds one instance at 169.254.169.254. */
export const CLIENT_FIXTURES = {
  /** `imdsv2: optional`: what cirros and non-AWS cloud-init need. */
  imdsv1Allowed: join(ROOT, 'fixtures/clients/instances-imdsv1-allowed.yaml'),
  /** `imdsv2: required`: token-less GETs must get 401. */
  imdsv2Required: join(ROOT, 'fixtures/clients/instances-imdsv2-required.yaml'),
  /** `imdsv2: required`, with a spot notice out from the start and maintenance an hour ahead (docs/events.md). */
  events: join(ROOT, 'fixtures/clients/instances-events.yaml'),
} as const;

/** What the clients must read back, taken from the fixture independently of minicloud's own parser. */
export interface FixtureInstance {
  id: string;
  uuid: string;
  hostname: string;
  /** The OpenSSH key lines, in file order. */
  publicKeys: string[];
  /** user-data exactly as the file gives it, or null. */
  userData: string | null;
  iamRole: { accessKeyId: string; secretAccessKey: string; token: string; expiration: string } | null;
}

function field<T>(obj: Record<string, unknown>, key: string, file: string): T {
  if (!(key in obj)) throw new Error(`${file}: instance has no "${key}" (the fixture and docs/configuration.md disagree)`);
  return obj[key] as T;
}

/** Reads the first (only) instance of a client fixture, as documented in docs/configuration.md. */
export function readFixtureInstance(file: string): FixtureInstance {
  const doc = parse(readFileSync(file, 'utf8')) as { instances?: Record<string, unknown>[] };
  const inst = doc.instances?.[0];
  if (!inst) throw new Error(`${file}: no instances[0]`);
  const keys = field<{ name: string; key: string }[]>(inst, 'publicKeys', file);
  const role = (inst['iamRole'] ?? null) as FixtureInstance['iamRole'];
  return {
    id: field<string>(inst, 'id', file),
    uuid: field<string>(inst, 'uuid', file),
    hostname: field<string>(inst, 'hostname', file),
    publicKeys: keys.map((k) => k.key),
    userData: (inst['userData'] as string | undefined) ?? null,
    iamRole: role,
  };
}
