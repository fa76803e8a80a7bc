import { Option } from '@commander-js/extra-typings';
import { parseListenAddress } from '../config/listen-address.js';
import { LAUNCH_LIMITS } from '../core/launch.js';
import { parseDuration, parseMemoryMiB, parseSize } from '../core/units.js';
import { parseWaitFor } from '../core/wait-for.js';
import { CLOUD_NAMES, cloudNamed } from '../clouds/registry.js';
import { MAINTENANCE_WINDOW_MS, SPOT_NOTICE_MS } from '../core/cloud-event-spec.js';
import { MAINTENANCE_CODES, SPOT_ACTIONS } from '../domain/cloud-event.js';
import { errors } from '../errors/catalogue.js';

/**
 * The flags more than one command takes, defined once: each is a commander Option whose parser turns
 * the text into its typed value or throws a coded error (MC_ERR_USAGE, MC_ERR_BAD_RESOURCE, …) while
 * commander parses, so a bad flag stops a command before it creates anything. Commands get typed
 * options from these (@commander-js/extra-typings infers them); nothing downstream re-checks a flag.
 */

/** A value out of a fixed list; the error lists the valid ones. Help shows them as choices. */
function choiceOption<const F extends string, const T extends string>(flags: F, description: string, allowed: readonly T[]) {
  const flag = flags.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? flags;
  return new Option(flags, description).choices(allowed).argParser((value): T => {
    const found = allowed.find((a) => a === value);
    if (found === undefined) throw errors.usage(`${flag} ${value}: use one of ${allowed.join(', ')}`);
    return found;
  });
}

/** A whole number in min..max (MC_ERR_USAGE). */
export function wholeNumber(flag: string, value: string, min: number, max: number): number {
  if (!isWholeIn(value, min, max)) throw errors.usage(`${flag}: "${value}" is not a whole number in ${min}..${max}`);
  return Number(value);
}

/** A guest resource count (--count, --cpus) in 1..max: MC_ERR_BAD_RESOURCE, as the controller's own launch check says it. */
function resourceCount(flag: string, value: string, max: number): number {
  if (!isWholeIn(value, 1, max)) throw errors.badResource(flag, `"${value}" is not a whole number in 1..${max}`);
  return Number(value);
}

function isWholeIn(value: string, min: number, max: number): boolean {
  return /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
}

/**
 * `event maintenance --at`: a UTC time (`2030-01-02T03:04:05Z`) → that moment, or a delay (`10m`, `+1h`)
 * → that long from when the controller gets the request (MC_ERR_USAGE otherwise).
 */
function parseEventTime(value: string): { notBefore: number } | { inMs: number } {
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$/.test(value)) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return { notBefore: at };
  }
  if (/^\+?(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return { inMs: parseDuration(value.replace(/^\+/, ''), '--at') };
  throw errors.usage(`--at ${value}: give a UTC time like 2030-01-02T03:04:05Z or a delay like 10m`);
}

/** Appends each occurrence of a repeatable flag. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const options = {
  datasource: () => new Option('--datasource <cloud>', 'the cloud the guest is to believe it runs on (docs/clouds.md)').choices(CLOUD_NAMES).argParser((v) => cloudNamed(v).name),
  count: () =>
    new Option('--count <n>', `how many instances (1..${LAUNCH_LIMITS.maxCount})`).argParser((v) => resourceCount('--count', v, LAUNCH_LIMITS.maxCount)).default(1),
  cpus: () => new Option('-c, --cpus <n>', 'virtual CPUs (default: defaults.cpus, else 1)').argParser((v) => resourceCount('--cpus', v, LAUNCH_LIMITS.maxCpus)),
  memory: (description = 'memory, e.g. 256M, 1G (default: defaults.memory, else 256M)') =>
    new Option('-m, --memory <size>', description).argParser((v) => parseMemoryMiB(v, '--memory')),
  disk: () => new Option('-d, --disk <size>', 'overlay disk size, e.g. 2G (default: defaults.disk, else the image size)').argParser((v) => parseSize(v, '--disk')),
  /** A duration: `300` (seconds), `90s`, `5m`, `1m30s`; parsed to milliseconds. */
  duration: <const F extends string>(flags: F, description: string) => new Option(flags, description).argParser((v) => parseDuration(v, flags.split(' ')[0])),
  waitFor: () => new Option('--wait-for <stages>', 'wait for stages: booting,dhcp,metadata,userdata,ssh,ready,console:/regex/').argParser(parseWaitFor),
  imdsv2: () => choiceOption('--imdsv2 <mode>', 'IMDSv2 session tokens (default: defaults.imdsv2, else optional)', ['optional', 'required'] as const),
  accelerator: (description = 'skip the KVM probe (hypervisor.accelerator)') => choiceOption('--accelerator <accel>', description, ['kvm', 'tcg'] as const),
  driver: (description: string) => choiceOption('--driver <driver>', description, ['auto', 'libvirt', 'qemu'] as const),
  metadataPort: (description: string) => new Option('--metadata-port <port>', description).argParser((v) => wholeNumber('--metadata-port', v, 1, 65535)),
  listen: () => new Option('--listen <host:port>', 'address to listen on').argParser((v) => parseListenAddress(v)).default({ host: '127.0.0.1', port: 8775 }, '127.0.0.1:8775'),
  limit: (description: string, dflt: number) => new Option('--limit <n>', description).argParser((v) => wholeNumber('--limit', v, 1, 1_000_000)).default(dflt),
  /** Cloud events (docs/events.md). */
  spotAction: () => choiceOption('--action <action>', 'what the cloud does at the time (hibernate: minicloud stops the guest)', SPOT_ACTIONS).default('terminate' as const),
  spotIn: () => new Option('--in <duration>', 'from the notice to the action, e.g. 30s, 2m (EC2 gives 2 minutes)').argParser((v) => parseDuration(v, '--in')).default(SPOT_NOTICE_MS, '2m'),
  maintenanceCode: () => choiceOption('--code <code>', "EC2's event code: what happens when the window opens", MAINTENANCE_CODES).default('system-reboot' as const),
  maintenanceAt: () => new Option('--at <time>', 'when the window opens (EC2 NotBefore): a UTC time like 2030-01-02T03:04:05Z, or a delay like 10m').argParser(parseEventTime).makeOptionMandatory(),
  maintenanceDuration: () => new Option('--duration <duration>', 'how long the window lasts (NotAfter - NotBefore)').argParser((v) => parseDuration(v, '--duration')).default(MAINTENANCE_WINDOW_MS, '2h'),
};
