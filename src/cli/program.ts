import { Command } from '@commander-js/extra-typings';
import { registerControllerCommands, registerMetadataSet } from './commands/register-controller-commands.js';
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
  metadata
    .command('serve')
    .description('serve EC2 and OpenStack metadata for the instances in a file (no VMs, no network setup)')
    .requiredOption('--instances <file>', 'YAML or JSON file mapping source IPs to instance records')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:8775')
    .option('--state-dir <dir>', 'keep the state database (instances, request log, token secret) here (default: a temporary directory, removed on exit)')
    .option('--json', 'log each request as one JSON object per line', false)
    .action(async (opts: Record<string, unknown>) => {
      const { runMetadataServe } = await import('./commands/metadata-serve.js');
      await runMetadataServe(opts);
    });
  registerMetadataSet(metadata);
  registerControllerCommands(program);

  return program;
}
