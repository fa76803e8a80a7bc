import type { Command } from '@commander-js/extra-typings';
import {
  consoleCommand, consoleLogCommand, deleteCommand, eventsCommand, execCommand, infoCommand, lsCommand,
  metadataLogCommand, metadataSetCommand, runCommand, smokeCommand, sshCommand,
} from '../command-flags.js';

type Opts = Record<string, unknown>;

/** Adds a command defined on its own, with the settings subcommands made by `.command()` inherit (exitOverride, help after error). */
function adopt(parent: Command, child: Command<unknown[], Record<string, unknown>, Record<string, unknown>>): void {
  parent.addCommand(child.copyInheritedSettings(parent));
}

/**
 * The commands that drive a cloud through its controller. Flags are defined in src/cli/command-flags.ts;
 * each module is imported when its command runs, so `minicloud --help` stays fast. Flags follow
 * Multipass/Lima conventions (docs/cli.md); exit codes are the documented ones (README, "Exit codes").
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

  adopt(program, runCommand().action(async (image, opts) => (await import('./run.js')).runRun(image, opts)));
  adopt(program, lsCommand().action(async (opts) => (await import('./ls.js')).runLs(opts)));
  adopt(program, infoCommand().action(async (ref, opts) => (await import('./info.js')).runInfo(ref, opts)));
  adopt(program, deleteCommand().action(async (refs, opts) => (await import('./delete.js')).runDelete(refs, opts)));
  adopt(program, consoleCommand().action(async (ref) => (await import('./console.js')).runConsole(ref)));
  adopt(program, consoleLogCommand().action(async (ref, opts) => (await import('./console-log.js')).runConsoleLog(ref, opts)));
  adopt(program, metadataLogCommand().action(async (ref, opts) => (await import('./metadata-log.js')).runMetadataLog(ref, opts)));
  adopt(program, eventsCommand().action(async (opts) => (await import('./events.js')).runEvents(opts)));
  adopt(program, sshCommand().action(async (ref, command, opts) => (await import('./ssh.js')).runSsh(ref, command, { exec: false, ...opts })));
  adopt(program, execCommand().action(async (ref, command, opts) => (await import('./ssh.js')).runSsh(ref, command, { exec: true, ...opts })));

  program
    .command('prune')
    .description('remove orphan guests, failed instances and stray files; with no controller running, everything a crashed run left')
    .option('--json', 'JSON')
    .option('--netns <name>', 'the network namespace the crashed cloud ran in (default: the one `up --netns` recorded in MINICLOUD_HOME)')
    .option('--config <file>', 'minicloud.yaml that named the cloud (default: $MINICLOUD_HOME/minicloud.yaml if present)')
    .action(async (opts: Opts) => (await import('./prune.js')).runPrune(opts));

  program
    .command('down')
    .description('stop the cloud: guests, network and controller; instances stay recorded for the next `up`')
    .option('--timeout <seconds>', 'how long to wait for the controller to finish', '60')
    .action(async (opts: Opts) => (await import('./down.js')).runDown(opts));

  adopt(program, smokeCommand().action(async (opts) => (await import('./smoke-command.js')).runSmokeCommand(opts)));
}

/** `metadata set`, under the existing `metadata` command group. */
export function registerMetadataSet(metadata: Command): void {
  adopt(metadata, metadataSetCommand().action(async (ref, pairs, opts) => (await import('./metadata-set.js')).runMetadataSet(ref, pairs, opts)));
}
