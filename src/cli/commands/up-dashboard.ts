import { spawn } from 'node:child_process';
import { apiEventIterable } from '../../api/api-event-iterable.js';
import { parseRunFlags } from '../command-flags.js';
import type { MinicloudEvent } from '../../domain/events.js';
import { errors } from '../../errors/catalogue.js';
import { MinicloudError } from '../../errors/minicloud-error.js';
import { sshArgv } from '../../core/ssh-argv.js';
import { asyncIterableSource, DASHBOARD_STREAM } from '../../tui/event-source.js';
import { renderDashboard } from '../../tui/render-dashboard.js';
import { cliCloud, err } from './cli-context.js';
import { launchBodyFrom } from './run.js';
import { inNetns } from './ssh.js';

/** How long the dashboard keeps asking whether the controller went away after its event stream ended. */
const STILL_THERE_MS = 120_000;

/** True when `error` says no controller answers (it was stopped, or it crashed). */
function isControllerGone(error: unknown): boolean {
  return error instanceof MinicloudError && error.code === errors.controllerNotRunning.code;
}

/**
 * The TUI as a client of the running controller; `q` then stop → `down`, detach → leave it running.
 * When the event stream ends and no controller answers any more (`minicloud down` from another shell,
 * or a crash), the dashboard closes by itself and says so, instead of staying open on a dead cloud.
 */
export async function runDashboardClient(): Promise<void> {
  const { client } = cliCloud();
  let cloudGone = false;
  let dashboardClosed = false;
  // After the stream ended or failed (not when the dashboard itself closed it): is the controller going
  // away? A stopping controller may still answer (or fail otherwise) for a while, guests shutting down,
  // so ask again until nothing answers, until the user quits, or for STILL_THERE_MS (then the stream's
  // notice stays up). The timers are unref'd: they never keep `up` alive after the dashboard closed.
  const afterStream = async (): Promise<void> => {
    const deadline = Date.now() + STILL_THERE_MS;
    while (!dashboardClosed && Date.now() < deadline) {
      const gone = await client.status().then(
        () => false,
        (error: unknown) => isControllerGone(error),
      );
      if (gone && !dashboardClosed) {
        cloudGone = true;
        return handle.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 500).unref());
    }
  };
  const follow = async function* (): AsyncGenerator<MinicloudEvent> {
    let streamEnded = false;
    try {
      for await (const event of apiEventIterable(client, DASHBOARD_STREAM)) yield event;
      streamEnded = true;
    } catch (error) {
      streamEnded = true;
      throw error;
    } finally {
      if (streamEnded) void afterStream();
    }
  };
  const handle = renderDashboard({
    events: asyncIterableSource(follow),
    actions: {
      runInstance: async (image, flags) => {
        await client.launch(launchBodyFrom(image, parseRunFlags(image, flags)));
      },
      deleteInstance: async (id) => {
        await client.remove(id);
      },
      ssh: async (id) => {
        const [info, status] = await Promise.all([client.info(id), client.status()]);
        const [cmd, ...args] = sshArgv({ ip: info.ip, user: info.sshUser, keyPath: status.sshKeyPath, command: [], tty: true, netns: status.netns && !inNetns(status.netns) ? status.netns : null });
        await new Promise<void>((resolve) => spawn(cmd ?? 'ssh', args, { stdio: 'inherit' }).once('exit', () => resolve()));
      },
      quit: async (mode) => {
        if (mode === 'detach') return err('minicloud keeps running in the background; `minicloud down` stops it');
        await client.down().catch((error: unknown) => {
          if (!isControllerGone(error)) throw error;
          err('minicloud was already stopped');
        });
      },
    },
  });
  // Nothing the dashboard opened outlives it: Ink gives stdin back (raw mode off, unref'd) when it
  // unmounts and the store aborts the event stream, so the process ends on its own once this returns
  // (measured: about 0.2 s after q then s or d, with a guest still running or none; the tmux test
  // in test/vm/tui checks that `up` exits 0 after q, s).
  await handle.done.finally(() => (dashboardClosed = true));
  if (cloudGone) err('minicloud was stopped from elsewhere (`minicloud down` or the controller exited); the dashboard closed');
}
