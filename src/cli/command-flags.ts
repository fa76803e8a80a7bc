import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { errors } from '../errors/catalogue.js';
import { parseCheck, type UserCheck } from '../smoke/check-spec.js';
import { parseProfileName } from '../smoke/profiles.js';
import { parseDuration } from '../core/units.js';
import { NETNS_NAME_PATTERN } from '../config/netns-record.js';
import { CLOUD_NAMES } from '../clouds/registry.js';
import { collect, options, wholeNumber } from './options.js';

/**
 * Every command's flags, one definition each (no actions: src/cli/program.ts attaches those and imports
 * each command's module only when it runs). The option types the command modules receive are inferred
 * from these definitions, so a flag's parser is the only place its value is checked.
 */

type AnyCommand = Command<unknown[], Record<string, unknown>, Record<string, unknown>>;
/** The typed options a command definition yields. */
export type OptionsOf<F extends () => AnyCommand> = ReturnType<ReturnType<F>['opts']>;

/** A network namespace name (`ip netns`), checked as the flag is read. */
function netnsOption(description: string) {
  return new Option('--netns <name>', description).argParser((name) => {
    if (!NETNS_NAME_PATTERN.test(name)) throw errors.usage(`--netns ${name}: use up to 64 letters, digits, dots, dashes and underscores`);
    return name;
  });
}

/**
 * `up` flags. Flags that minicloud.yaml can also set (cloud, bridge, subnet…) are checked together with
 * the file, before anything is created (src/composition/cloud-inputs.ts); here only their form.
 */
export function upCommand() {
  return new Command('up')
    .description('start the cloud: network, metadata server, controller; TUI on a terminal, event lines otherwise')
    .option('-d, --detach', 'run in the background (log in $MINICLOUD_HOME/controller.log)')
    .option('--json', 'print events as NDJSON')
    .option('--plain', 'print event lines even on a terminal (no TUI)')
    .addOption(netnsOption('run the whole cloud inside this network namespace (created if missing)'))
    .option('--config <file>', 'minicloud.yaml (default: $MINICLOUD_HOME/minicloud.yaml if present)')
    .option('--subnet <cidr>', 'guest subnet, e.g. 10.77.0.0/24 (network.subnet; default: the first free one)')
    .addOption(options.metadataPort('port the metadata server listens on; 169.254.169.254:80 is redirected to it (network.metadataPort)'))
    .addOption(options.accelerator())
    .addOption(options.driver('hypervisor driver (hypervisor.driver; default auto: libvirt where usable, else qemu)'))
    .option('--connect <uri>', 'libvirt URI (hypervisor.connect; default $LIBVIRT_DEFAULT_URI, else a private libvirtd for the cloud)')
    .option('--cloud <id>', 'cloud id: names guests, bridge alias and firewall chains (cloud)')
    .option('--bridge <name>', 'bridge name (network.bridge; default mc-<cloud>)')
    .option('--egress', 'let guests reach beyond the host (network.egress)');
}
export type UpOptions = OptionsOf<typeof upCommand>;

export function doctorCommand() {
  return new Command('doctor')
    .description('check the host: root, qemu, hypervisor driver (libvirt or qemu), KVM, dnsmasq, iptables/nft, ip_forward, subnet, metadata port, images')
    .option('--json', 'JSON')
    .addOption(options.metadataPort('port to check (default: network.metadataPort, else 8775)'))
    .addOption(options.driver('driver to check (default: hypervisor.driver, else auto)'))
    .option('--connect <uri>', 'libvirt URI to check (default: hypervisor.connect, else $LIBVIRT_DEFAULT_URI)')
    .option('--config <file>', 'minicloud.yaml (default: $MINICLOUD_HOME/minicloud.yaml if present)');
}

export function pruneCommand() {
  return new Command('prune')
    .description('remove orphan guests, failed instances and stray files; with no controller running, everything a crashed run left')
    .option('--json', 'JSON')
    .addOption(netnsOption('the network namespace the crashed cloud ran in (default: the one `up --netns` recorded in $MINICLOUD_HOME)'))
    .option('--config <file>', 'minicloud.yaml that named the cloud (default: $MINICLOUD_HOME/minicloud.yaml if present)');
}

export function downCommand() {
  return new Command('down')
    .description('stop the cloud: guests, network and controller; instances stay recorded for the next `up`')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the controller to finish').argParser((v) => wholeNumber('--timeout', v, 1, 3600)).default(60));
}

export function metadataServeCommand() {
  return new Command('serve')
    .description("serve each instance in a file its cloud's metadata API, by source IP (no VMs, no network setup)")
    .requiredOption('--instances <file>', 'YAML or JSON file mapping source IPs to instance records')
    .addOption(options.listen())
    .option('--state-dir <dir>', 'keep the state database (instances, request log, token secret) here (default: a temporary directory, removed on exit)')
    .option('--faults <file>', 'fault rules to apply (YAML or JSON `faults:` list, docs/faults.md)')
    .option('--json', 'log each request as one JSON object per line');
}
export type MetadataServeOptions = OptionsOf<typeof metadataServeCommand>;

/** `run` flags; the TUI's `r` key parses its flags with this same definition. */
export function runCommand() {
  return new Command('run')
    .alias('launch')
    .description('launch instances from IMAGE (a qcow2/raw file, or a name from `make images`: minicirros, debian-cloud)')
    .argument('<image>')
    .option('-n, --name <name>', 'instance name (with --count N: <name>-1 … <name>-N)')
    .addOption(options.count())
    .addOption(options.cpus())
    .addOption(options.memory())
    .addOption(options.disk())
    .addOption(options.datasource())
    .option('--user-data <file>', 'user-data file, byte for byte (- for stdin); repeat once per instance for different ones', collect, [] as string[])
    .option('--meta <key=value>', 'metadata key/value (repeatable)', collect, [] as string[])
    .option('--ssh-key <file>', 'an extra public key to inject (the cloud key is always injected)')
    .option('--ip <address>', 'pin the IPv4 address (one instance)')
    .addOption(options.imdsv2())
    .addOption(options.waitFor())
    .addOption(options.duration('--timeout <duration>', 'how long --wait-for may take, e.g. 90s, 5m (default: defaults.timeout, else 2m, x3 under TCG)'))
    .option('--rm', 'delete the instances when the run ends (with --wait-for), or at `down`')
    .option('--json', 'print the instances as JSON');
}
export type RunOptions = OptionsOf<typeof runCommand>;

/**
 * `run` flags given as words (the TUI's `r` prompt) → RunOptions, through the same definition as the
 * command line. Throws the flag's coded error, or MC_ERR_USAGE for what commander refuses itself.
 */
export function parseRunFlags(image: string, words: readonly string[]): RunOptions {
  const command = runCommand().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  try {
    command.parse([image, ...words], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw errors.usage(err.message.replace(/^error: /, '')).causedBy(err);
    throw err;
  }
  return command.opts();
}

export function lsCommand() {
  return new Command('ls').alias('list').description('list instances (running first)').option('--json', 'JSON array').option('-q, --quiet', 'names only');
}

export function infoCommand() {
  return new Command('info')
    .alias('describe')
    .description('everything known about an instance: stage timings, accelerator, failure')
    .argument('<id>', 'instance id or name')
    .option('--json', 'JSON');
}

export function deleteCommand() {
  return new Command('delete')
    .alias('rm')
    .description('delete instances (guest, overlay disk and records)')
    .argument('[ids...]', 'instance ids or names')
    .option('--all', 'every instance')
    .option('--json', 'JSON');
}

export function consoleCommand() {
  return new Command('console').description("attach to an instance's serial console (Ctrl-] detaches)").argument('<id>');
}

export function consoleLogCommand() {
  return new Command('console-log').description("print an instance's serial console from the first byte").argument('<id>').option('-f, --follow', 'keep printing new output');
}

export function metadataLogCommand() {
  return new Command('metadata-log')
    .description('metadata requests (all instances, or one)')
    .argument('[id]')
    .option('-f, --follow', 'keep printing new requests')
    .option('--json', 'NDJSON, one request per line')
    .addOption(options.limit('how many past requests', 1000));
}

export function eventsCommand() {
  return new Command('events').description('controller events (what the TUI shows)').option('-f, --follow', 'keep streaming').option('--json', 'NDJSON, one event per line');
}

export function sshCommand() {
  return new Command('ssh')
    .description("ssh into an instance with the cloud's key (the command's exit code is passed through)")
    .argument('<id>')
    .argument('[command...]')
    .option('-u, --user <user>', 'login user (default: the image’s)');
}

export function execCommand() {
  return new Command('exec')
    .description('run a command in an instance over ssh; exits with its exit code')
    .argument('<id>')
    .argument('<command...>')
    .option('-u, --user <user>', 'login user (default: the image’s)');
}

export function metadataSetCommand() {
  return new Command('set')
    .description("change an instance's metadata (key=value) or user-data while it runs")
    .argument('<id>')
    .argument('[pairs...]', 'key=value')
    .option('--user-data <file>', 'new user-data (- for stdin)')
    .option('--json', 'JSON');
}

export function smokeCommand() {
  return new Command('smoke')
    .description('boot IMAGE in a throwaway cloud (own netns), check it as tempest checks cirros, tear down, verify nothing is left')
    .requiredOption('--image <image>', 'a name from `make images` (minicirros, debian-cloud) or a qcow2/raw path')
    .addOption(options.count())
    .addOption(options.datasource().default('ec2' as const))
    .option('--user-data <file>', 'user-data to give (default: a generated one that prints a marker)')
    .option('--meta <key=value>', 'instance metadata key/value, as run --meta (repeatable; e.g. provisioningMedia=true)', collect, [] as string[])
    .addOption(new Option('--check <check>', "extra check, repeatable: 'exec:CMD', 'console:/regex/', 'http:PORT/path'").argParser((v, previous: UserCheck[]) => [...previous, parseCheck(v)]).default([] as UserCheck[]))
    .addOption(new Option('--profile <name>', 'cirros | minicirros | cloud-init (default: from the image name)').argParser(parseProfileName))
    .option('--junit <file>', 'write JUnit XML here (also in the artifacts directory)')
    .option('--report <file>', 'write the JSON report here (also in the artifacts directory)')
    .option('--artifacts <dir>', 'console log, metadata requests, dnsmasq log, user-data, reports', './minicloud-smoke-artifacts/<run-id>')
    .option('--keep-on-failure', 'leave the cloud running when a check fails (prints how to reach it)')
    .option('--allow-degraded', 'accept cloud-init status "degraded done"')
    .addOption(options.duration('--timeout <duration>', 'the whole run, boot and checks, e.g. 90s, 5m').default(parseDuration('5m'), '5m'))
    .addOption(options.memory('guest memory').default(256, '256M'))
    .addOption(options.accelerator('skip the KVM probe'))
    .option('--config <file>', 'minicloud.yaml for the throwaway cloud (e.g. extra images with their own kernel and command line)')
    .option('--faults <file>', 'fault rules installed before the guest boots (YAML or JSON `faults:` list, docs/faults.md); the report lists each with its hits')
    .option('--json', 'print the JSON report on stdout (progress stays on stderr)');
}
export type SmokeCommandOptions = OptionsOf<typeof smokeCommand>;

/** A duration flag kept as written (the rule's file form), checked as it is read. */
function durationText<const F extends string>(flags: F, description: string) {
  const flag = flags.split(' ')[0] ?? flags;
  return new Option(flags, description).argParser((v) => {
    parseDuration(v, flag);
    return v;
  });
}

/**
 * `fault add`: one rule, the flags named as the file form's fields (docs/faults.md). One action
 * (--status [--body] | --delay | --reset | --hang) and at most one limit (--times | --for |
 * --probability [--seed]): commander refuses two of a kind; the rest is checked by the rule language.
 */
export function faultAddCommand() {
  return new Command('add')
    .description('add a fault rule to the running cloud: which metadata requests it matches and what it does to them')
    .requiredOption('--path <glob>', 'path glob: * within one segment, ** any number of segments, e.g. /latest/meta-data/**')
    .option('--instance <ref>', 'instance name, id or IP (default: every instance)')
    .option('--method <method>', 'HTTP method (default: any)')
    .addOption(new Option('--cloud <cloud>', "the instance's cloud (its datasource; default: any)").choices(CLOUD_NAMES))
    .option('--id <id>', 'the rule\'s id (default: f1, f2…)')
    .addOption(new Option('--status <code>', 'action: answer this HTTP status').argParser((v) => wholeNumber('--status', v, 100, 599)).conflicts(['delay', 'reset', 'hang']))
    .option('--body <text>', 'with --status: the answer\'s body (default: empty)')
    .addOption(durationText('--delay <duration>', 'action: wait this long, then answer normally, e.g. 2s').conflicts(['reset', 'hang']))
    .addOption(new Option('--reset', 'action: reset the connection (TCP RST), no answer').conflicts('hang'))
    .option('--hang', 'action: never answer; hold the request until the client gives up')
    .addOption(new Option('--times <n>', 'limit: the next N matching requests').argParser((v) => wholeNumber('--times', v, 1, 1_000_000_000)).conflicts(['for', 'probability']))
    .addOption(durationText('--for <duration>', 'limit: for this long from the first hit, e.g. 30s').conflicts('probability'))
    .addOption(new Option('--probability <p>', 'limit: each matching request with probability p (0 < p <= 1)').argParser(probability))
    .addOption(new Option('--seed <n>', 'with --probability: PRNG seed, to replay a run (default: random, shown by fault ls)').argParser((v) => wholeNumber('--seed', v, 0, 4294967295)))
    .option('--json', 'print the rule as JSON');
}
export type FaultAddOptions = OptionsOf<typeof faultAddCommand>;

function probability(value: string): number {
  const p = Number(value);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value) || !(p > 0 && p <= 1)) throw errors.usage(`--probability: "${value}" is not a number in (0, 1]`);
  return p;
}

export function faultLsCommand() {
  return new Command('ls').alias('list').description('list the fault rules with their hits and state').option('--json', 'JSON array');
}

export function faultRmCommand() {
  return new Command('rm')
    .alias('remove')
    .description('remove fault rules')
    .argument('[ids...]', 'rule ids')
    .option('--all', 'every rule')
    .option('--json', 'JSON');
}

/** `event spot ID`: an EC2 spot interruption notice, then at the time the action (docs/events.md). */
export function eventSpotCommand() {
  return new Command('spot')
    .description('announce a spot interruption to an instance; at the time the cloud terminates or stops it')
    .argument('<id>', 'instance id or name')
    .addOption(options.spotIn())
    .addOption(options.spotAction())
    .option('--no-act', 'serve the notice but leave the guest running')
    .option('--json', 'print the event as JSON');
}
export type EventSpotOptions = OptionsOf<typeof eventSpotCommand>;

/** `event maintenance ID --at TIME`: an EC2 scheduled event (events/maintenance/scheduled). */
export function eventMaintenanceCommand() {
  return new Command('maintenance')
    .description('schedule maintenance for an instance; when the window opens the cloud reboots or stops it as the code says')
    .argument('<id>', 'instance id or name')
    .addOption(options.maintenanceAt())
    .addOption(options.maintenanceDuration())
    .addOption(options.maintenanceCode())
    .option('--no-act', 'announce it but leave the guest alone when the window opens')
    .option('--json', 'print the event as JSON');
}
export type EventMaintenanceOptions = OptionsOf<typeof eventMaintenanceCommand>;

export function eventRebalanceCommand() {
  return new Command('rebalance')
    .description('give an instance an EC2 rebalance recommendation (a notice only)')
    .argument('<id>', 'instance id or name')
    .option('--json', 'print the event as JSON');
}

export function eventLsCommand() {
  return new Command('ls').alias('list').description('list the cloud events: pending ones with their countdown, and what happened to the others').option('--json', 'JSON array');
}

export function eventCancelCommand() {
  return new Command('cancel').description('withdraw a pending cloud event (a maintenance event moves to history as canceled)').argument('<event-id>', 'instance-event-… (see `event ls`)').option('--json', 'print the event as JSON');
}
