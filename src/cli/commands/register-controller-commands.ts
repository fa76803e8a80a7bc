import type { Command } from 'commander';
import { collect } from './read-input.js';

type Opts = Record<string, unknown>;

/**
 * The commands that drive a cloud through its controller (issue 6). Each module is imported when its
 * command runs, so `minicloud --help` stays fast. Flags follow Multipass/Lima conventions
 * (docs/cli.md); exit codes are the documented ones (README, "Exit codes").
 */
export function registerControllerCommands(program: Command): void {
  program
    .command('up')
    .description('start the cloud: network, metadata server, controller; TUI on a terminal, event lines otherwise')
    .option('-d, --detach', 'run in the background (log in $MINICLOUD_HOME/controller.log)')
    .option('--json', 'print events as NDJSON')
    .option('--plain', 'print event lines even on a terminal (no TUI)')
    .option('--netns <name>', 'run the whole cloud inside this network namespace (created if missing)')
    .option('--config <file>', 'minicloud.yaml (default: $MINICLOUD_HOME/minicloud.yaml if present)')
    .option('--subnet <cidr>', 'guest subnet, e.g. 10.77.0.0/24 (network.subnet; default: the first free one)')
    .option('--metadata-port <port>', 'port the metadata server listens on; 169.254.169.254:80 is redirected to it (network.metadataPort)')
    .option('--accelerator <kvm|tcg>', 'skip the KVM probe (hypervisor.accelerator)')
    .option('--driver <auto|libvirt|qemu>', 'hypervisor driver (hypervisor.driver; default auto: libvirt where usable, else qemu)')
    .option('--connect <uri>', 'libvirt URI (hypervisor.connect; default $LIBVIRT_DEFAULT_URI, else a private libvirtd for the cloud)')
    .option('--cloud <id>', 'cloud id: names guests, bridge alias and firewall chains (cloud)')
    .option('--bridge <name>', 'bridge name (network.bridge; default mc-<cloud>)')
    .option('--egress', 'let guests reach beyond the host (network.egress)')
    .action(async (opts: Opts) => (await import('./up.js')).runUp(opts));

  program
    .command('doctor')
    .description('check the host: root, qemu, hypervisor driver (libvirt or qemu), KVM, dnsmasq, iptables/nft, ip_forward, subnet, metadata port, images')
    .option('--json', 'JSON')
    .option('--metadata-port <port>', 'port to check (default: network.metadataPort, else 8775)')
    .option('--driver <auto|libvirt|qemu>', 'driver to check (default: hypervisor.driver, else auto)')
    .option('--connect <uri>', 'libvirt URI to check (default: hypervisor.connect, else $LIBVIRT_DEFAULT_URI)')
    .option('--config <file>', 'minicloud.yaml (default: $MINICLOUD_HOME/minicloud.yaml if present)')
    .action(async (opts: Opts) => (await import('./doctor.js')).runDoctor(opts));

  program
    .command('run')
    .alias('launch')
    .description('launch instances from IMAGE (a qcow2/raw file, or a name from `make images`: minicirros, debian-cloud)')
    .argument('<image>')
    .option('-n, --name <name>', 'instance name (with --count N: <name>-1 … <name>-N)')
    .option('--count <n>', 'how many instances', '1')
    .option('-c, --cpus <n>', 'virtual CPUs (default: defaults.cpus, else 1)')
    .option('-m, --memory <size>', 'memory, e.g. 256M, 1G (default: defaults.memory, else 256M)')
    .option('-d, --disk <size>', 'overlay disk size, e.g. 2G (default: defaults.disk, else the image size)')
    .option('--datasource <ds>', 'ec2 | openstack | nocloud | configdrive (default: defaults.datasource, else ec2)')
    .option('--user-data <file>', 'user-data file, byte for byte (- for stdin); repeat once per instance for different ones', collect, [])
    .option('--meta <key=value>', 'metadata key/value (repeatable)', collect, [])
    .option('--ssh-key <file>', 'an extra public key to inject (the cloud key is always injected)')
    .option('--ip <address>', 'pin the IPv4 address (one instance)')
    .option('--imdsv2 <mode>', 'optional | required (default: defaults.imdsv2, else optional)')
    .option('--wait-for <stages>', 'wait for stages: booting,dhcp,metadata,userdata,ssh,ready,console:/regex/')
    .option('--timeout <duration>', 'how long --wait-for may take, e.g. 90s, 5m (default: defaults.timeout, else 2m, x3 under TCG)')
    .option('--rm', 'delete the instances when the run ends (with --wait-for), or at `down`')
    .option('--json', 'print the instances as JSON')
    .action(async (image: string, opts: Opts) => {
      const { runRun } = await import('./run.js');
      await runRun(image, opts as never);
    });

  program
    .command('ls')
    .alias('list')
    .description('list instances (running first)')
    .option('--json', 'JSON array')
    .option('-q, --quiet', 'names only')
    .action(async (opts: Opts) => (await import('./ls.js')).runLs(opts));

  program
    .command('info')
    .alias('describe')
    .description('everything known about an instance: stage timings, accelerator, failure')
    .argument('<id>', 'instance id or name')
    .option('--json', 'JSON')
    .action(async (ref: string, opts: Opts) => (await import('./info.js')).runInfo(ref, opts));

  program
    .command('delete')
    .alias('rm')
    .description('delete instances (guest, overlay disk and records)')
    .argument('[ids...]', 'instance ids or names')
    .option('--all', 'every instance')
    .option('--json', 'JSON')
    .action(async (refs: string[], opts: Opts) => (await import('./delete.js')).runDelete(refs, opts));

  program
    .command('console')
    .description("attach to an instance's serial console (Ctrl-] detaches)")
    .argument('<id>')
    .action(async (ref: string) => (await import('./console.js')).runConsole(ref));

  program
    .command('console-log')
    .description("print an instance's serial console from the first byte")
    .argument('<id>')
    .option('-f, --follow', 'keep printing new output')
    .action(async (ref: string, opts: Opts) => (await import('./console-log.js')).runConsoleLog(ref, opts));

  program
    .command('metadata-log')
    .description('metadata requests (all instances, or one)')
    .argument('[id]')
    .option('-f, --follow', 'keep printing new requests')
    .option('--json', 'NDJSON, one request per line')
    .option('--limit <n>', 'how many past requests', '1000')
    .action(async (ref: string | undefined, opts: Opts) => (await import('./metadata-log.js')).runMetadataLog(ref, opts));

  program
    .command('events')
    .description('controller events (what the TUI shows)')
    .option('-f, --follow', 'keep streaming')
    .option('--json', 'NDJSON, one event per line')
    .action(async (opts: Opts) => (await import('./events.js')).runEvents(opts));

  program
    .command('ssh')
    .description("ssh into an instance with the cloud's key (the command's exit code is passed through)")
    .argument('<id>')
    .argument('[command...]')
    .option('-u, --user <user>', 'login user (default: the image’s)')
    .action(async (ref: string, command: string[], opts: Opts) => (await import('./ssh.js')).runSsh(ref, command, { exec: false, ...opts }));

  program
    .command('exec')
    .description('run a command in an instance over ssh; exits with its exit code')
    .argument('<id>')
    .argument('<command...>')
    .option('-u, --user <user>', 'login user (default: the image’s)')
    .action(async (ref: string, command: string[], opts: Opts) => (await import('./ssh.js')).runSsh(ref, command, { exec: true, ...opts }));

  program
    .command('prune')
    .description('remove orphan guests, failed instances and stray files; with no controller running, everything a crashed run left')
    .option('--json', 'JSON')
    .option('--netns <name>', 'the network namespace the crashed cloud ran in (up --netns)')
    .option('--config <file>', 'minicloud.yaml that named the cloud (default: $MINICLOUD_HOME/minicloud.yaml if present)')
    .action(async (opts: Opts) => (await import('./prune.js')).runPrune(opts));

  program
    .command('down')
    .description('stop the cloud: guests, network and controller; instances stay recorded for the next `up`')
    .option('--timeout <seconds>', 'how long to wait for the controller to finish', '60')
    .action(async (opts: Opts) => (await import('./down.js')).runDown(opts));
}

/** `metadata set`, under the existing `metadata` command group. */
export function registerMetadataSet(metadata: Command): void {
  metadata
    .command('set')
    .description("change an instance's metadata (key=value) or user-data while it runs")
    .argument('<id>')
    .argument('[pairs...]', 'key=value')
    .option('--user-data <file>', 'new user-data (- for stdin)')
    .option('--json', 'JSON')
    .action(async (ref: string, pairs: string[], opts: Opts) => (await import('./metadata-set.js')).runMetadataSet(ref, pairs, opts));
}
