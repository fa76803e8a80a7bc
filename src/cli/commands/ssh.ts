import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { sshArgv } from '../../core/ssh-argv.js';
import { errors } from '../../errors/catalogue.js';
import { cliCloud } from './cli-context.js';

/** Whether this process already runs in network namespace `name` (then `ip netns exec` is not needed). */
export function inNetns(name: string): boolean {
  try {
    const mine = statSync('/proc/self/ns/net');
    const theirs = statSync(`/run/netns/${name}`);
    return mine.ino === theirs.ino && mine.dev === theirs.dev;
  } catch (err) {
    // No such netns file: we cannot be in it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * `minicloud ssh ID [-- cmd]` / `exec ID -- cmd`: ssh with the cloud's key, from inside the cloud's
 * network namespace when it has one. The exit code of ssh (the guest command's, or 255 when ssh itself
 * failed) becomes ours.
 */
export async function runSsh(ref: string, command: string[], opts: { exec: boolean; user?: string }): Promise<void> {
  if (opts.exec && command.length === 0) throw errors.usage('exec needs a command: minicloud exec ID -- CMD...');
  const { client } = cliCloud();
  const [info, status] = await Promise.all([client.info(ref), client.status()]);
  const argv = sshArgv({
    ip: info.ip,
    user: opts.user ?? info.sshUser,
    keyPath: status.sshKeyPath,
    command,
    tty: !opts.exec && command.length === 0 && process.stdin.isTTY === true,
    netns: status.netns && !inNetns(status.netns) ? status.netns : null,
  });
  const [cmd, ...args] = argv;
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cmd ?? 'ssh', args, { stdio: 'inherit' });
    child.once('error', (err) => reject(errors.controllerUnavailable(`cannot run ${cmd}: ${err.message}`).causedBy(err)));
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 + 2 : 255)));
  });
  process.exitCode = code;
}
