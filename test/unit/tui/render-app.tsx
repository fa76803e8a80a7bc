import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { DashboardApp } from '../../../src/tui/components/dashboard-app.js';
import type { DashboardActions, FollowConsole } from '../../../src/tui/dashboard-actions.js';
import { DashboardStore } from '../../../src/tui/dashboard-store.js';
import { eventBusSource } from '../../../src/tui/event-source.js';
import { T0 } from './event-factory.js';

export const KEY = { enter: '\r', escape: '\u001B', up: '\u001B[A', down: '\u001B[B', ctrlC: '\u0003', backspace: '\u007F' };

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface AppHarness {
  bus: EventBus;
  actions: { [K in keyof DashboardActions]: ReturnType<typeof vi.fn> };
  onQuit: ReturnType<typeof vi.fn>;
  frame: () => string;
  /** The frame as lines, without trailing spaces. */
  lines: () => string[];
  press: (...keys: string[]) => Promise<void>;
  resize: (columns: number, rows: number) => Promise<void>;
  /** Waits for a frame after events published meanwhile. */
  settle: () => Promise<void>;
  unmount: () => void;
}

/**
 * Mounts the real DashboardApp on ink-testing-library's fake terminal, fed by a real EventBus,
 * sized to `columns`×`rows` (set on the fake stdout and announced with a `resize`).
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
  const resize = async (columns: number, rows: number): Promise<void> => {
    Object.defineProperty(instance.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(instance.stdout, 'rows', { value: rows, configurable: true });
    instance.stdout.emit('resize');
    await delay(30);
  };
  await resize(opts.columns ?? 80, opts.rows ?? 24);
  const frame = (): string => instance.lastFrame() ?? '';
  return {
    bus,
    actions,
    onQuit,
    frame,
    lines: () => frame().split('\n').map((line) => line.trimEnd()),
    // Waits for the frame the key causes (or 150 ms for keys that change nothing on screen).
    press: async (...keys) => {
      for (const key of keys) {
        const before = instance.frames.length;
        instance.stdin.write(key);
        for (let waited = 0; waited < 150 && instance.frames.length === before; waited += 5) await delay(5);
        await delay(10);
      }
    },
    resize,
    settle: () => delay(40),
    unmount: () => {
      instance.unmount();
      store.stop();
    },
  };
}
