import { Command } from '@commander-js/extra-typings';
import { registerControllerCommands, registerMetadataServe, registerMetadataSet } from './commands/register-controller-commands.js';
import { packageVersion } from './package-version.js';

/**
 * Builds the `minicloud` command tree. Each command lives in src/cli/commands/<name>.ts and is
 * registered here; its module is imported lazily so `minicloud --help` stays fast.
 */
export function buildProgram(): Command {
  const program = new Command('minicloud')
    .description('A mini cloud for local testing: QEMU/KVM guests with EC2- and OpenStack-compatible metadata.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  const metadata = program.command('metadata').description('the metadata server on its own');
  registerMetadataServe(metadata);
  registerMetadataSet(metadata);
  registerControllerCommands(program);

  return program;
}
