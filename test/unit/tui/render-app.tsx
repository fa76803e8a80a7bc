import { render } from 'ink-testing-library';
import { onTestFinished, vi } from 'vitest';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { DashboardApp } from '../../../src/tui/components/dashboard-app.js';
import type { DashboardActions, FollowConsole } from '../../../src/tui/dashboard-actions.js';
import { DashboardStore } from '../../../src/tui/dashboard-store.js';
import { eventBusSource } from '../../../src/tui/event-source.js';
import { frameLayout } from '../../../src/tui/layout.js';
import { T0 } from './event-factory.js';

export const KEY = { enter: '\r', escape: '\u001B', up: '\u001B[A', down: '\u001B[B', ctrlC: '\u0003', backspace: '\u007F' };

/**
 * How long `until` waits for what a test expects. A bound, not a pace: it returns as soon as the
 * check passes. Generous because the store spaces frames out (up to 1 s) when draws are slow, which
 * they are on a loaded host.
 */
const UNTIL_MS = 5_000;

export interface AppHarness {
  bus: EventBus;
  actions: { [K in keyof DashboardActions]: ReturnType<typeof vi.fn> };
  onQuit: ReturnType<typeof vi.fn>;
  frame: () => string;
  /** The frame as lines, without trailing spaces. */
  lines: () => string[];
  /** Whether Ink reads the keys itself (raw mode, its stdin listener attached) or has let go of the terminal. */
  isReadingKeys: () => boolean;
  /**
   * Types each key as its own read, the way a terminal delivers keystrokes typed one by one. Ink
   * handles a key when it is read and the app keeps its state in refs, so a key sees what the keys
   * before it left; what the keys cause on screen or in the actions is waited for with `until`.
   */
  press: (...keys: string[]) => Promise<void>;
  /** Resizes the terminal and waits for the frame drawn at the new size. */
  resize: (columns: number, rows: number) => Promise<void>;
  /**
   * Retries `check` (assertions on the frame, the actions, …) until it passes: the frame or call that
   * shows what the test expects, however long Ink takes to get there, within a bound.
   */
  until: (check: () => void) => Promise<void>;
}

const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: UNTIL_MS, interval: 5 });

/** The next check phase of the event loop: Ink delivers a lone ESC there when no more bytes came. */
const nextCheckPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Mounts the real DashboardApp on ink-testing-library's fake terminal, fed by a real EventBus,
 * sized to `columns`×`rows` (set on the fake stdout and announced with a `resize`). Resolves once Ink
 * reads keys and has drawn a frame at that size; unmounts when the test finishes.
 */
export async function renderApp(opts: { events?: readonly MinicloudEvent[]; columns?: number; rows?: number; followConsole?: FollowConsole; now?: number } = {}): Promise<AppHarness> {
  const bus = new EventBus();
  for (const event of opts.events ?? []) bus.publish(event);
  const store = new DashboardStore({ subscribe: eventBusSource(bus), frameMs: 5 });
  store.start();
  const actions = {
    runInstance: vi.fn(async () => undefined),
    deleteInstance: vi.fn(async () => undefined),
    ssh: vi.fn(async () => undefined),
    quit: vi.fn(),
  };
  const onQuit = vi.fn();
  const now = opts.now ?? T0 + 7000;
  const instance = render(<DashboardApp store={store} actions={actions} onQuit={onQuit} followConsole={opts.followConsole} now={() => now} />);
  onTestFinished(() => {
    instance.unmount();
    store.stop();
  });
  // Ink attaches its stdin listener while raw mode is on, and detaches it when it lets go of the terminal.
  const isReadingKeys = (): boolean => instance.stdin.listenerCount('readable') > 0;
  // Nothing listens for keys or resizes before React has run the app's effects, during render() or
  // after it. Ink starts reading stdin from useInput's effect, the last of them.
  await new Promise<void>((resolve) => {
    if (isReadingKeys()) return resolve();
    const onListener = (event: string | symbol): void => {
      if (event !== 'readable') return;
      instance.stdin.off('newListener', onListener);
      resolve();
    };
    instance.stdin.on('newListener', onListener);
  });
  const resize = async (columns: number, rows: number): Promise<void> => {
    Object.defineProperty(instance.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(instance.stdout, 'rows', { value: rows, configurable: true });
    instance.stdout.emit('resize');
    // Ink redraws the old tree on `resize` before React renders the app at the new size: wait for the
    // frame of the new shape, the height and width frameLayout gives (some line, the header, spans it).
    const { width } = frameLayout(columns, rows);
    await until(() => {
      const lines = (instance.lastFrame() ?? '').split('\n').map((line) => line.trimEnd().length);
      if (lines.length !== rows - 1 || Math.max(...lines) !== width) {
        throw new Error(`the last frame is ${Math.max(...lines)}×${lines.length}, not the ${width}×${rows - 1} of a ${columns}×${rows} terminal`);
      }
    });
  };
  await resize(opts.columns ?? 80, opts.rows ?? 24);
  const frame = (): string => instance.lastFrame() ?? '';
  return {
    bus,
    actions,
    onQuit,
    frame,
    lines: () => frame().split('\n').map((line) => line.trimEnd()),
    isReadingKeys,
    press: async (...keys) => {
      for (const key of keys) {
        instance.stdin.write(key);
        // Without this, an ESC followed at once by another key reads as one Alt-chord.
        await nextCheckPhase();
      }
    },
    resize,
    until,
  };
}
