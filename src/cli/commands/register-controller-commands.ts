import type { Command } from '@commander-js/extra-typings';
import {
  consoleCommand, consoleLogCommand, deleteCommand, doctorCommand, downCommand, eventsCommand, execCommand, faultAddCommand, faultLsCommand, faultRmCommand, infoCommand, lsCommand,
  metadataLogCommand, metadataServeCommand, metadataSetCommand, pruneCommand, runCommand, smokeCommand, sshCommand, upCommand,
} from '../command-flags.js';
import { eventCancelCommand, eventLsCommand, eventMaintenanceCommand, eventRebalanceCommand, eventSpotCommand } from '../command-flags.js';

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
  adopt(program, upCommand().action(async (opts) => (await import('./up.js')).runUp(opts)));
  adopt(program, doctorCommand().action(async (opts) => (await import('./doctor.js')).runDoctor(opts)));

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

  adopt(program, pruneCommand().action(async (opts) => (await import('./prune.js')).runPrune(opts)));
  adopt(program, downCommand().action(async (opts) => (await import('./down.js')).runDown(opts)));

  adopt(program, smokeCommand().action(async (opts) => (await import('./smoke-command.js')).runSmokeCommand(opts)));

  const event = program.command('event').description('cloud events: spot interruptions, scheduled maintenance, rebalance recommendations (docs/events.md)');
  adopt(event, eventSpotCommand().action(async (ref, opts) => (await import('./event.js')).runEventSpot(ref, opts)));
  adopt(event, eventMaintenanceCommand().action(async (ref, opts) => (await import('./event.js')).runEventMaintenance(ref, opts)));
  adopt(event, eventRebalanceCommand().action(async (ref, opts) => (await import('./event.js')).runEventRebalance(ref, opts)));
  adopt(event, eventLsCommand().action(async (opts) => (await import('./event.js')).runEventLs(opts)));
  adopt(event, eventCancelCommand().action(async (id, opts) => (await import('./event.js')).runEventCancel(id, opts)));

  const fault = program.command('fault').description("the running cloud's fault rules: what its metadata server does wrong on purpose (docs/faults.md)");
  adopt(fault, faultAddCommand().action(async (opts) => (await import('./fault.js')).runFaultAdd(opts)));
  adopt(fault, faultLsCommand().action(async (opts) => (await import('./fault.js')).runFaultLs(opts)));
  adopt(fault, faultRmCommand().action(async (ids, opts) => (await import('./fault.js')).runFaultRm(ids, opts)));
}

/** `metadata serve`, under the `metadata` command group. */
export function registerMetadataServe(metadata: Command): void {
  adopt(metadata, metadataServeCommand().action(async (opts) => (await import('./metadata-serve.js')).runMetadataServe(opts)));
}

/** `metadata set`, under the existing `metadata` command group. */
export function registerMetadataSet(metadata: Command): void {
  adopt(metadata, metadataSetCommand().action(async (ref, pairs, opts) => (await import('./metadata-set.js')).runMetadataSet(ref, pairs, opts)));
}
