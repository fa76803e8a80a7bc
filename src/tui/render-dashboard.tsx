import { render } from 'ink';
import { DashboardApp } from './components/dashboard-app.js';
import type { DashboardActions, FollowConsole } from './dashboard-actions.js';
import { DashboardStore } from './dashboard-store.js';
import type { SubscribeEvents } from './event-source.js';

export interface RenderDashboardOptions {
  /** The event stream: `eventBusSource(bus)` in process, `asyncIterableSource(...)` for a remote controller. */
  events: SubscribeEvents;
  actions: DashboardActions;
  /** Optional live console for the detail and console views. */
  followConsole?: FollowConsole;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Time between frames; events in between are applied together. Default 100 ms. */
  frameMs?: number;
  /** Use the terminal's alternate screen, so the scrollback survives. Default true. */
  alternateScreen?: boolean;
}

export interface DashboardHandle {
  /** Resolves after the user quit and `actions.quit(mode)` returned, with the mode chosen. */
  done: Promise<'stop' | 'detach'>;
  /** Close the TUI from outside (e.g. the cloud went down); `done` then resolves with 'detach' without calling `actions.quit`. */
  close(): void;
}

const ENTER_ALT = '\u001B[?1049h\u001B[2J\u001B[H';
const LEAVE_ALT = '\u001B[?1049l';

/**
 * Shows the dashboard until the user quits. The only place that calls Ink's `render`.
 * Frames are throttled by the store (about 10 a second); each is written in one piece.
 */
export function renderDashboard(options: RenderDashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const useAltScreen = options.alternateScreen ?? true;
  const store = new DashboardStore({ subscribe: options.events, frameMs: options.frameMs });
  let quitMode: 'stop' | 'detach' | null = null;
  const terminal = {
    release: (): void => {
      if (useAltScreen) stdout.write(LEAVE_ALT);
    },
    reclaim: (): void => {
      if (useAltScreen) stdout.write(ENTER_ALT);
    },
  };
  terminal.reclaim();
  store.start();
  const instance = render(
    <DashboardApp
      store={store}
      actions={options.actions}
      followConsole={options.followConsole}
      onQuit={(mode) => {
        quitMode = mode;
      }}
      terminal={terminal}
    />,
    {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: true,
      maxFps: 10,
      // Not Ink 6.8's incrementalRendering: with a frame that ends in a newline (ours is rows - 1
      // lines, so it does) it moves the cursor up one line too few, and every changed frame lands
      // one row lower and scrolls the screen (seen in tmux; test/vm/tui). The standard renderer
      // erases and rewrites the frame in one write, which the terminal shows at once.
      incrementalRendering: false,
      onRender: (metrics) => store.noteFrameDrawn(metrics.renderTime),
    },
  );
  const done = instance.waitUntilExit().then(async () => {
    store.stop();
    terminal.release();
    if (quitMode === null) return 'detach' as const;
    await options.actions.quit(quitMode);
    return quitMode;
  });
  return { done, close: () => instance.unmount() };
}
