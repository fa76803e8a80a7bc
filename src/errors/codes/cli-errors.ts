import { defineError, ExitCode } from '../define-error.js';

/** Errors of the command line itself: flags, arguments, interruption. */
export const cliErrors = {
  usage: defineError('MC_ERR_USAGE', {
    summary: 'A flag or argument on the command line is missing, unknown or malformed.',
    exit: ExitCode.usage,
    message: (detail: string) => detail,
    hint: () => 'Run `minicloud --help` or `minicloud <command> --help` for the accepted flags.',
  }),
  internal: defineError('MC_ERR_INTERNAL', {
    summary: 'Something failed that minicloud has no code for: a bug in minicloud.',
    exit: ExitCode.internal,
    message: (detail: string) => `internal error: ${detail}`,
    hint: () => 'This is a minicloud bug: please report it with this output (MINICLOUD_DEBUG=1 adds the causes).',
  }),
  interrupted: defineError('MC_ERR_INTERRUPTED', {
    summary: 'The command was stopped by SIGINT or SIGTERM before it finished.',
    exit: ExitCode.interrupted,
    message: (signal: string) => `interrupted by ${signal}`,
  }),
  listenAddressInUse: defineError('MC_ERR_LISTEN_IN_USE', {
    summary: 'Another process already listens on the address and port a server was asked to listen on.',
    exit: ExitCode.host,
    message: (address: string) => `cannot listen on ${address}: the address is already in use`,
    hint: (address: string) =>
      `Stop the other server (\`ss -ltnp\` shows which process holds ${address}) or pick another port with --listen.`,
  }),
  listenPermissionDenied: defineError('MC_ERR_LISTEN_DENIED', {
    summary: 'The operating system refused to let minicloud listen on the address (usually a port below 1024 without root).',
    exit: ExitCode.host,
    message: (address: string, _port: number) => `cannot listen on ${address}: permission denied`,
    hint: (address: string, port: number) =>
      port > 0 && port < 1024
        ? `port ${port} needs root or CAP_NET_BIND_SERVICE: run as root, or use a port of 1024 or above (e.g. --listen 127.0.0.1:8775).`
        : `Check that this user may listen on ${address}.`,
  }),
  listenAddressUnavailable: defineError('MC_ERR_LISTEN_ADDRESS', {
    summary: 'The address a server was asked to listen on does not exist on this host.',
    exit: ExitCode.host,
    message: (address: string, reason: string) => `cannot listen on ${address}: ${reason}`,
    hint: () => 'Use an address of this host (see `ip -brief addr`), 127.0.0.1, or 0.0.0.0 for all addresses.',
  }),
};
