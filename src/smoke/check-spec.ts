import { errors } from '../errors/catalogue.js';

/**
 * The checks of a smoke run. Built-in checks follow what OpenStack's tempest proves with cirros
 * (tempest's scenario tests; docs/ci.md "Checks"), in boot order; the run's exit code is the first failure's.
 */
export type BuiltinCheckName =
  | 'boot'
  | 'dhcp'
  | 'metadata'
  | 'userdata'
  | 'ssh'
  | 'local-ipv4'
  | 'password'
  | 'cloud-init'
  | 'console-log';

/** A check the user asked for with --check. */
export type UserCheck =
  | { kind: 'exec'; source: string; command: string }
  | { kind: 'console'; source: string; regex: RegExp }
  | { kind: 'http'; source: string; port: number; path: string };

/**
 * Parses one --check value: `exec:CMD` (run in the guest over ssh, exit 0 passes),
 * `console:/regex/flags` (the console log must match), `http:PORT/path` (a GET from the cloud network
 * to the guest must answer 2xx). Throws MC_ERR_SMOKE_BAD_CHECK.
 */
export function parseCheck(value: string): UserCheck {
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  const rest = colon < 0 ? '' : value.slice(colon + 1);
  switch (kind) {
    case 'exec':
      if (rest.trim() === '') throw errors.smokeBadCheck(value, 'exec needs a command: exec:CMD');
      return { kind: 'exec', source: value, command: rest };
    case 'console': {
      const m = /^\/((?:\\.|[^\\/])*)\/([dgimsuy]*)$/.exec(rest);
      if (!m) throw errors.smokeBadCheck(value, 'write it as console:/regex/ (flags allowed after the slash)');
      try {
        // 'g'/'y' make RegExp.test stateful; a check must give the same answer twice.
        return { kind: 'console', source: value, regex: new RegExp(m[1] ?? '', (m[2] ?? '').replace(/[gy]/g, '')) };
      } catch (err) {
        throw errors.smokeBadCheck(value, (err as Error).message).causedBy(err);
      }
    }
    case 'http': {
      const m = /^(\d{1,5})(\/[^\s]*)?$/.exec(rest);
      const port = Number(m?.[1]);
      if (!m || port < 1 || port > 65535) throw errors.smokeBadCheck(value, 'write it as http:PORT/path with a port from 1 to 65535');
      return { kind: 'http', source: value, port, path: m[2] ?? '/' };
    }
    default:
      throw errors.smokeBadCheck(value, `unknown kind "${kind}"`);
  }
}
