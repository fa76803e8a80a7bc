import { errors } from '../errors/catalogue.js';

export interface ListenAddress {
  /** Host as given, without IPv6 brackets: `127.0.0.1`, `0.0.0.0`, `::1`, `localhost`. */
  host: string;
  /** 0 means "any free port" (the bound port is printed). */
  port: number;
}

const LISTEN = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9][A-Za-z0-9.-]*)):(\d{1,5})$/;

/** Parses `--listen HOST:PORT` (`[::1]:8775` for IPv6). Throws MC_ERR_USAGE saying what is expected. */
export function parseListenAddress(text: string, flag = '--listen'): ListenAddress {
  const match = LISTEN.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port >= 0 && port <= 65535)) {
    throw errors.usage(`${flag}: expected HOST:PORT like 127.0.0.1:8775 or [::1]:8775 (port 0-65535), got "${text}"`);
  }
  return { host, port };
}

/** `http://HOST:PORT` with IPv6 hosts in brackets. */
export function httpUrl(address: ListenAddress): string {
  return `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
