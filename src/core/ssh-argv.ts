/**
 * The ssh command line for reaching a guest with the cloud's key. Pure. Host keys are not checked:
 * every guest is new and its address is reused, so known_hosts would only produce false alarms.
 * With `netns`, the command runs inside that network namespace (where the cloud's bridge lives).
 */
export function sshArgv(opts: {
  ip: string;
  user: string;
  keyPath: string;
  command: string[];
  /** Force a tty (interactive shell); `-T` otherwise so exit codes and bytes pass through clean. */
  tty: boolean;
  connectTimeoutS?: number;
  batch?: boolean;
  netns?: string | null;
}): string[] {
  const ssh = [
    'ssh',
    '-i', opts.keyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', `ConnectTimeout=${opts.connectTimeoutS ?? 10}`,
    ...(opts.batch ? ['-o', 'BatchMode=yes'] : []),
    opts.tty ? '-t' : '-T',
    `${opts.user}@${opts.ip}`,
    ...(opts.command.length > 0 ? ['--', ...opts.command] : []),
  ];
  return opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...ssh] : ssh;
}
