import { defineError, ExitCode } from '../define-error.js';

/** Errors of the controller, its API and the commands that talk to it. docs/errors.md lists each one. */
export const controllerErrors = {
  controllerUnavailable: defineError('MC_ERR_CONTROLLER_UNAVAILABLE', {
    summary: 'The controller cannot do what was asked; the message says why.',
    exit: ExitCode.host,
    message: (detail: string) => `controller: ${detail}`,
  }),
  controllerNotRunning: defineError('MC_ERR_CONTROLLER_NOT_RUNNING', {
    summary: 'A command needs the running controller but nothing answers on its unix socket.',
    exit: ExitCode.host,
    message: (socketPath: string) => `no minicloud controller is running (nothing answers on ${socketPath})`,
    hint: () => 'Start the cloud with `minicloud up -d` (same MINICLOUD_HOME), then retry.',
  }),
  controllerAlreadyRunning: defineError('MC_ERR_CONTROLLER_ALREADY_RUNNING', {
    summary: '`minicloud up` found another controller already serving this MINICLOUD_HOME.',
    exit: ExitCode.host,
    message: (socketPath: string) => `a minicloud controller is already running on ${socketPath}`,
    hint: () => 'Use that one (`minicloud ls`), stop it with `minicloud down`, or set another MINICLOUD_HOME.',
  }),
  badDuration: defineError('MC_ERR_BAD_DURATION', {
    summary: 'A duration flag (e.g. --timeout) is not a number of seconds or a value like 90s, 5m, 1h.',
    exit: ExitCode.usage,
    message: (flag: string, value: string) => `${flag}: "${value}" is not a duration`,
    hint: () => 'Write a duration as seconds (300) or with a unit: 500ms, 90s, 5m, 1h.',
  }),
  badSize: defineError('MC_ERR_BAD_SIZE', {
    summary: 'A size flag (e.g. --memory, --disk) is not a size like 256M or 2G.',
    exit: ExitCode.usage,
    message: (flag: string, value: string) => `${flag}: "${value}" is not a size`,
    hint: () => 'Write a size with a unit: 256M, 1G, 10G (K, M, G, T; powers of 1024). A bare number means MiB.',
  }),
  badWaitFor: defineError('MC_ERR_BAD_WAIT_FOR', {
    summary: '--wait-for names a stage that does not exist or a console regex that does not compile.',
    exit: ExitCode.usage,
    message: (value: string, reason: string) => `--wait-for ${value}: ${reason}`,
    hint: () => 'Use a comma-separated list of booting, dhcp, metadata, userdata, ssh, ready and console:/regex/.',
  }),
  badResource: defineError('MC_ERR_BAD_RESOURCE', {
    summary: 'A resource flag (--cpus, --count, --memory, --disk) is out of range.',
    exit: ExitCode.usage,
    message: (flag: string, reason: string) => `${flag}: ${reason}`,
    hint: () => 'See `minicloud run --help` for the accepted ranges.',
  }),
  ipOutsideSubnet: defineError('MC_ERR_IP_OUTSIDE_SUBNET', {
    summary: '--ip asks for an address outside the cloud subnet, or one reserved for the network itself.',
    exit: ExitCode.usage,
    message: (ip: string, subnet: string) => `${ip} is not a usable guest address in ${subnet}`,
    hint: () => 'Pick an address inside the cloud subnet other than its network, gateway and broadcast addresses.',
  }),
  ipInUse: defineError('MC_ERR_IP_IN_USE', {
    summary: '--ip asks for an address another instance already has.',
    exit: ExitCode.usage,
    message: (ip: string) => `${ip} is already used by another instance`,
    hint: () => 'Pick another address, or leave out --ip to get a free one.',
  }),
  ipPoolExhausted: defineError('MC_ERR_IP_POOL_EXHAUSTED', {
    summary: 'Every guest address in the cloud subnet is taken.',
    exit: ExitCode.usage,
    message: (subnet: string) => `no free address left in ${subnet}`,
    hint: () => 'Delete instances you no longer need (`minicloud delete`, `minicloud prune`).',
  }),
  imageNotFound: defineError('MC_ERR_IMAGE_NOT_FOUND', {
    summary: 'The IMAGE given to `run` is neither a readable disk file nor the name of a built image.',
    exit: ExitCode.image,
    message: (image: string, known: string) => `image ${image} not found${known ? ` (known images: ${known})` : ''}`,
    hint: () => 'Give a path to a qcow2/raw file, or build the named images with `make images`.',
  }),
  imageInvalid: defineError('MC_ERR_IMAGE_INVALID', {
    summary: 'The IMAGE file exists but is not a qcow2 or raw disk image, or its image manifest is broken.',
    exit: ExitCode.image,
    message: (image: string, reason: string) => `image ${image} is not usable: ${reason}`,
    hint: () => 'Rebuild it (`make images`) or point at a qcow2/raw disk file.',
  }),
  guestBootFailed: defineError('MC_ERR_GUEST_BOOT_FAILED', {
    summary: 'The guest could not be defined or started, or it powered off or crashed before it was ready.',
    exit: ExitCode.boot,
    message: (instance: string, reason: string) => `instance ${instance} failed to boot: ${reason}`,
    hint: () => 'Look at the console (`minicloud console-log ID`) for a kernel panic or boot loader error.',
  }),
  readinessTimeout: defineError('MC_ERR_READINESS_TIMEOUT', {
    summary: 'An instance did not reach the stage given to --wait-for within --timeout.',
    exit: ExitCode.timeout,
    message: (instance: string, stage: string, waitedS: number) =>
      `instance ${instance} did not reach ${stage} within ${waitedS} s`,
    hint: () => 'Read the diagnosis above; raise --timeout if the guest is just slow.',
  }),
  cloudInitFailed: defineError('MC_ERR_CLOUD_INIT_FAILED', {
    summary: 'The guest console shows that cloud-init (or cirros-init) reported an error.',
    exit: ExitCode.cloudInit,
    message: (instance: string, line: string) => `cloud-init in ${instance} reported an error: ${line}`,
    hint: () => 'Check the user-data and the console log (`minicloud console-log ID`).',
  }),
  needsRoot: defineError('MC_ERR_NEEDS_ROOT', {
    summary: '`minicloud up` (or --netns) needs root to create bridges, taps and firewall rules.',
    exit: ExitCode.host,
    message: (what: string) => `${what} needs root`,
    hint: () => 'Run it as root, e.g. `sudo minicloud up`.',
  }),
  preflightFailed: defineError('MC_ERR_PREFLIGHT_FAILED', {
    summary: 'A host check (`minicloud doctor`) failed, so the cloud cannot start.',
    exit: ExitCode.host,
    message: (failures: string) => `the host is not ready: ${failures}`,
    hint: () => 'Run `minicloud doctor` for every check and how to fix it.',
  }),
  portInUse: defineError('MC_ERR_PORT_IN_USE', {
    summary: 'The metadata server port is already bound by another process.',
    exit: ExitCode.host,
    message: (address: string) => `${address} is already in use`,
    hint: () => 'Stop the other process, or choose another port with --metadata-port.',
  }),
  upUndoIncomplete: defineError('MC_ERR_UP_UNDO_INCOMPLETE', {
    summary: '`minicloud up` failed, and undoing what it had created before the failure failed too.',
    exit: ExitCode.host,
    message: (failure: string, undo: string) => `up failed: ${failure}; undoing what it had created also failed: ${undo}`,
    hint: () => 'Run `minicloud prune` (same MINICLOUD_HOME) to remove what is left, then fix the first error and run `minicloud up` again.',
  }),
  downIncomplete: defineError('MC_ERR_DOWN_INCOMPLETE', {
    summary: 'Stopping the cloud (`down`, Ctrl-C on `up`, `q` then `s` in the dashboard) could not remove everything it had created.',
    exit: ExitCode.host,
    message: (failures: string) => `the cloud stopped, but undoing what it had created failed: ${failures}`,
    hint: () => 'Run `minicloud prune` (same MINICLOUD_HOME) to remove what is left.',
  }),
  pruneIncomplete: defineError('MC_ERR_PRUNE_INCOMPLETE', {
    summary: '`minicloud prune` could not remove everything a stopped or crashed cloud left; the message lists what is still there.',
    exit: ExitCode.host,
    message: (left: string) => `prune could not remove everything the cloud left: ${left}`,
    hint: () => 'End or remove what is listed (as root; `minicloud prune --json` shows what was removed), then run `minicloud prune` again. docs/cli.md#after-a-crash lists what prune removes.',
  }),
  netnsNotRemoved: defineError('MC_ERR_NETNS_NOT_REMOVED', {
    summary: 'A network namespace `up --netns` created was left in place because processes still run inside it.',
    exit: ExitCode.host,
    message: (name: string, reason: string) => `network namespace ${name} was not removed: ${reason}`,
    hint: () => 'Run `minicloud prune` (same MINICLOUD_HOME): it ends the cloud\'s processes inside the namespace, then deletes it.',
  }),
  apiRequestFailed: defineError('MC_ERR_API_REQUEST', {
    summary: 'The controller answered a request with an error that has no code of its own.',
    exit: ExitCode.internal,
    message: (status: number, detail: string) => `controller API error ${status}: ${detail}`,
  }),
};
