import { spawn } from 'node:child_process';
import { apiEventIterable } from '../../api/api-event-iterable.js';
import { sshArgv } from '../../core/ssh-argv.js';
import { asyncIterableSource, DASHBOARD_STREAM } from '../../tui/event-source.js';
import { renderDashboard } from '../../tui/render-dashboard.js';
import { cliCloud, err } from './cli-context.js';
import { launchBodyFrom } from './run.js';
import { inNetns } from './ssh.js';

/** The TUI as a client of the running controller; `q` then stop → `down`, detach → leave it running. */
export async function runDashboardClient(): Promise<void> {
  const { client } = cliCloud();
  const handle = renderDashboard({
    events: asyncIterableSource(() => apiEventIterable(client, DASHBOARD_STREAM)),
    actions: {
      runInstance: async (image, flags) => {
        const opts: Record<string, unknown> = { count: '1', userData: [], meta: [] };
        for (let i = 0; i < flags.length; i += 2) opts[(flags[i] ?? '').replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = flags[i + 1];
        await client.launch(launchBodyFrom(image, opts as never));
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
        if (mode === 'stop') await client.down();
        else err('minicloud keeps running in the background; `minicloud down` stops it');
      },
    },
  });
  // Nothing the dashboard opened outlives it: Ink gives stdin back (raw mode off, unref'd) when it
  // unmounts and the store aborts the event stream, so the process ends on its own once this returns
  // (measured: about 0.2 s after q then s or d, with a guest still running or none; the tmux test
  // in test/vm/tui checks that `up` exits 0 after q, s).
  await handle.done;
}
