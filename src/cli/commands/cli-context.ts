import { ApiClient } from '../../api/api-client.js';
import { cloudLayout, minicloudHome, type CloudLayout } from '../../config/minicloud-config.js';

/** What every client command needs: the cloud's files and a client for its controller. */
export interface CliCloud {
  layout: CloudLayout;
  client: ApiClient;
}

export function cliCloud(env: Record<string, string | undefined> = process.env): CliCloud {
  const layout = cloudLayout(minicloudHome(env));
  return { layout, client: new ApiClient(layout.socketPath) };
}

/** Writes a line to stdout. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Writes a line to stderr (progress, diagnoses): stdout stays clean for --json consumers. */
export function err(line = ''): void {
  process.stderr.write(`${line}\n`);
}

/** Resolves when SIGINT/SIGTERM arrives, with the signal name; for `-f` follow loops. */
export function untilSignal(): { signal: AbortSignal; cleanup: () => void } {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    cleanup: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
