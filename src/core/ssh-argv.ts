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
    ...(opts.command.length > 0 ? ['--', remoteCommand(opts.command)] : []),
  ];
  return opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...ssh] : ssh;
}

/**
 * ssh joins its arguments with spaces into one string for the remote shell, so `exec ID -- sh -c 'exit 3'`
 * would run `sh -c exit 3`. Quote each argument so the guest sees exactly the argv the user typed.
 */
export function remoteCommand(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
