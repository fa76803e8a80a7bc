import type { Command } from 'commander';
import { collect } from './read-input.js';

type Opts = Record<string, unknown>;

/**
 * `minicloud smoke`: a one-command CI smoke test of an image (issue 8; docs/ci.md). Registered here,
 * run by src/cli/commands/smoke-command.ts, imported only when the command runs.
 */
export function registerSmokeCommand(program: Command): void {
  program
    .command('smoke')
    .description('boot IMAGE in a throwaway cloud (own netns), check it as tempest checks cirros, tear down, verify nothing is left')
    .requiredOption('--image <image>', 'a name from `make images` (minicirros, debian-cloud) or a qcow2/raw path')
    .option('--count <n>', 'how many instances', '1')
    .option('--datasource <ds>', 'ec2 | openstack | nocloud | configdrive', 'ec2')
    .option('--user-data <file>', 'user-data to give (default: a generated one that prints a marker)')
    .option('--check <check>', "extra check, repeatable: 'exec:CMD', 'console:/regex/', 'http:PORT/path'", collect, [])
    .option('--profile <name>', 'cirros | minicirros | cloud-init (default: from the image name)')
    .option('--junit <file>', 'write JUnit XML here (also in the artifacts directory)')
    .option('--report <file>', 'write the JSON report here (also in the artifacts directory)')
    .option('--artifacts <dir>', 'console log, metadata requests, dnsmasq log, user-data, reports', './minicloud-smoke-artifacts/<run-id>')
    .option('--keep-on-failure', 'leave the cloud running when a check fails (prints how to reach it)')
    .option('--allow-degraded', 'accept cloud-init status "degraded done"')
    .option('--timeout <duration>', 'the whole run, boot and checks, e.g. 90s, 5m', '5m')
    .option('-m, --memory <size>', 'guest memory', '256M')
    .option('--accelerator <kvm|tcg>', 'skip the KVM probe')
    .option('--config <file>', 'minicloud.yaml for the throwaway cloud (e.g. extra images with their own kernel and command line)')
    .option('--json', 'print the JSON report on stdout (progress stays on stderr)')
    .action(async (opts: Opts) => (await import('./smoke-command.js')).runSmokeCommand(opts as never));
}
