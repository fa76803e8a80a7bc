import { derivedHex } from '../../core/derived-ids.js';
import type { InstanceRecord } from '../../domain/instance.js';
import { gceGateway, gceHostname, gceInstanceId, gceServiceAccountEmail, gceZone, type GceProject } from './gce-ids.js';
import { documentValue, gceArrayDir, gceDir, listValue, numberValue, textValue, type GceDir, type GceNode } from './gce-tree.js';

/**
 * What the cloud does to the instance while it runs (GCE's `instance/maintenance-event` and
 * `instance/preempted`), from its cloud events (gce-live-state.ts).
 */
export interface GceLiveState {
  /** `NONE`, `MIGRATE_ON_HOST_MAINTENANCE` or `TERMINATE_ON_HOST_MAINTENANCE`. */
  maintenanceEvent: string;
  preempted: boolean;
}


/** Guest attributes the guest wrote (PUT), by namespace then key. */
export type GceGuestAttributes = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The scopes GCE gives the default compute service account ("Allow default access"). */
const DEFAULT_SCOPES = [
  'https://www.googleapis.com/auth/devstorage.read_only',
  'https://www.googleapis.com/auth/logging.write',
  'https://www.googleapis.com/auth/monitoring.write',
  'https://www.googleapis.com/auth/service.management.readonly',
  'https://www.googleapis.com/auth/servicecontrol',
  'https://www.googleapis.com/auth/trace.append',
];

/** A metadata key GCE accepts (it refuses others when they are set, so the server never sees them). */
const ATTRIBUTE_KEY = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The whole tree a GCE guest reads, from `/`: `computeMetadata/v1/{instance,project}/`. Every value is
 * derived from the record (gce-ids.ts), except the test credentials and the constants a KVM guest of
 * minicloud has no real value for (cpu-platform, disks). Pure.
 */
export function buildGceTree(instance: InstanceRecord, project: GceProject, live: GceLiveState, guestAttributes: GceGuestAttributes): GceDir {
  const v1 = gceDir({ instance: buildInstanceDir(instance, project, live, guestAttributes), project: buildProjectDir(project) });
  return gceDir({ computeMetadata: gceDir({ v1 }, 'verbatim') }, 'verbatim');
}

function buildInstanceDir(instance: InstanceRecord, project: GceProject, live: GceLiveState, guestAttributes: GceGuestAttributes): GceDir {
  const projectPath = `projects/${project.numericProjectId}`;
  return gceDir({
    attributes: gceDir(instanceAttributes(instance), 'verbatim'),
    'cpu-platform': textValue('Intel Broadwell'),
    description: textValue(''),
    disks: gceArrayDir([
      gceDir({
        'device-name': textValue('persistent-disk-0'),
        index: numberValue('0'),
        interface: textValue('SCSI'),
        mode: textValue('READ_WRITE'),
        type: textValue('PERSISTENT'),
      }),
    ]),
    'guest-attributes': gceDir(
      Object.fromEntries([...guestAttributes].map(([ns, keys]) => [ns, gceDir(Object.fromEntries([...keys].map(([k, v]) => [k, textValue(v)])), 'verbatim')])),
      'verbatim',
    ),
    hostname: textValue(gceHostname(instance, project)),
    id: numberValue(gceInstanceId(instance.id)),
    image: textValue(`projects/${project.projectId}/global/images/${instance.imageId}`),
    'machine-type': textValue(`${projectPath}/machineTypes/${instance.instanceType}`),
    'maintenance-event': textValue(live.maintenanceEvent),
    name: textValue(instance.name),
    'network-interfaces': gceArrayDir([networkInterface(instance, projectPath)]),
    preempted: textValue(live.preempted ? 'TRUE' : 'FALSE'),
    scheduling: gceDir({
      'automatic-restart': textValue('TRUE'),
      'on-host-maintenance': textValue('MIGRATE'),
      preemptible: textValue('FALSE'),
    }),
    'service-accounts': serviceAccounts(instance, project),
    tags: listValue([], 'json'),
    zone: textValue(`${projectPath}/zones/${gceZone(instance)}`),
  });
}

/**
 * The instance's attributes (custom metadata): its keys as `ssh-keys` (`cloudinit:<key>` lines: cloud-init
 * keeps only the keys of user `cloudinit` and of the image's default user), its user-data (base64 with
 * `user-data-encoding` when it is not UTF-8, so it still arrives byte for byte), and its `meta`, which
 * comes last and so wins (`metadata set ID ssh-keys=…` replaces the keys, as on GCE).
 */
function instanceAttributes(instance: InstanceRecord): Record<string, GceNode> {
  const attributes: Record<string, GceNode> = {};
  if (instance.publicKeys.length > 0) attributes['ssh-keys'] = textValue(instance.publicKeys.map((k) => `cloudinit:${k.key}`).join('\n'));
  if (instance.userData !== null) {
    const text = utf8OrNull(instance.userData);
    if (text !== null) attributes['user-data'] = textValue(text);
    else {
      attributes['user-data'] = textValue(Buffer.from(instance.userData).toString('base64'));
      attributes['user-data-encoding'] = textValue('base64');
    }
  }
  const meta = Object.entries(instance.meta).filter(([key]) => ATTRIBUTE_KEY.test(key));
  // A user-data set through meta is text: the encoding of the record's user-data no longer applies to it.
  if (meta.some(([key]) => key === 'user-data')) delete attributes['user-data-encoding'];
  for (const [key, value] of meta) attributes[key] = textValue(value);
  return attributes;
}

function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (err) {
    // Not UTF-8: the caller serves it base64-encoded, as GCE's user-data-encoding allows.
    if (err instanceof TypeError) return null;
    throw err;
  }
}

function networkInterface(instance: InstanceRecord, projectPath: string): GceDir {
  return gceDir({
    // minicloud guests have no external address: no access config, as a GCE VM without an external IP.
    'access-configs': gceArrayDir([]),
    'forwarded-ips': gceArrayDir([]),
    gateway: textValue(gceGateway(instance)),
    ip: textValue(instance.ip),
    'ip-aliases': gceArrayDir([]),
    mac: textValue(instance.mac),
    mtu: numberValue('1500'),
    network: textValue(`${projectPath}/networks/default`),
    subnetmask: textValue('255.255.255.0'),
    'target-instance-ips': gceArrayDir([]),
  });
}

/** `default/` and the account's email, the same account under both names, as GCE lists it. Test token only. */
function serviceAccounts(instance: InstanceRecord, project: GceProject): GceDir {
  const email = gceServiceAccountEmail(project);
  const account = gceDir({
    aliases: listValue(['default'], 'text'),
    email: textValue(email),
    scopes: listValue(DEFAULT_SCOPES, 'text'),
    token: documentValue(
      { access_token: `ya29.minicloud-test-token-${derivedHex(`gce-token:${instance.id}`, 32)}`, expires_in: 3599, token_type: 'Bearer' },
      { hiddenInRecursive: true },
    ),
  });
  return gceDir({ default: account, [email]: account }, 'verbatim');
}

/** `project/`: its ids and its attributes, which minicloud has none of (an empty `{}`, never a 404). */
function buildProjectDir(project: GceProject): GceDir {
  return gceDir({
    attributes: gceDir({}, 'verbatim'),
    'numeric-project-id': numberValue(project.numericProjectId),
    'project-id': textValue(project.projectId),
  });
}
