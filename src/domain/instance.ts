import type { CloudEvent } from './cloud-event.js';

/**
 * The instance as the metadata plane sees it: everything a guest can read about itself.
 * Pure data; validated at the edges (instances file, SQLite rows, controller API) before it gets here.
 */

/**
 * Which cloud the guest believes it is on: the name of a cloud in src/clouds/registry.ts (`ec2`, `gce`…).
 * It decides the SMBIOS identity, the metadata APIs the guest is served and so the datasource cloud-init
 * picks. Checked against the registry at every edge (datasourceSchema, cloudNamed).
 */
export type Datasource = string;

/** IMDSv2 session tokens: `optional` accepts IMDSv1 too (the default: cirros and non-AWS cloud-init never send one). */
export type ImdsV2Mode = 'optional' | 'required';

export interface PublicKey {
  /** Key pair name, as listed by `meta-data/public-keys/` (`0=name`) and OpenStack's `public_keys`. */
  name: string;
  /** One OpenSSH public key line. */
  key: string;
}

/** Test credentials served at `iam/security-credentials/<role>`. Never real secrets. */
export interface IamRole {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  token: string;
  /** ISO-8601 expiry shown to clients. */
  expiration: string;
}

export interface InstanceRecord {
  /** EC2-style id: `i-` followed by 17 lowercase hex digits (or 8 for old-style ids). */
  id: string;
  /** OpenStack's instance uuid; also the SMBIOS uuid/serial for the openstack identity. */
  uuid: string;
  name: string;
  hostname: string;
  /** Lowercase colon-separated MAC of the instance's only NIC. */
  mac: string;
  /** The instance's IPv4 address; the metadata server identifies the instance by it. */
  ip: string;
  publicKeys: PublicKey[];
  /** Raw user-data bytes, served byte for byte; null when the instance has none (then 404). */
  userData: Uint8Array | null;
  /** OpenStack `meta` key/values (also settable with `minicloud metadata set`). */
  meta: Record<string, string>;
  datasource: Datasource;
  imdsv2: ImdsV2Mode;
  launchIndex: number;
  instanceType: string;
  imageId: string;
  availabilityZone: string;
  region: string;
  reservationId: string;
  securityGroups: string[];
  iamRole: IamRole | null;
  /** Served as vendor_data.json; `{}` when empty. */
  vendorData: Record<string, unknown>;
  /** Epoch milliseconds. */
  createdAt: number;
  /** What the cloud announced to the instance (spot interruption, maintenance, rebalance), oldest first. */
  cloudEvents: CloudEvent[];
}
