import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { canRenderDashboard, claimInteractiveTerminal } from '../../../src/tui/terminal-check.js';
import { eventBusSource } from '../../../src/tui/event-source.js';
import { bootEvents } from './event-factory.js';

/** A terminal pair good enough for Ink: a TTY stdout of 80×24 and a raw-mode-capable stdin. */
function fakeTerminal() {
  const written: string[] = [];
  const stdout = Object.assign(new EventEmitter(), { isTTY: true, columns: 80, rows: 24, write: (s: string) => { written.push(s); return true; } });
  const emitter = new EventEmitter();
  let data: string | null = null;
  const stdin = Object.assign(emitter, {
    isTTY: true,
    setEncoding: () => undefined, setRawMode: vi.fn(), resume: () => undefined, pause: () => undefined, ref: () => undefined, unref: () => undefined,
    read: (): string | null => { const d = data; data = null; return d; },
    type: (key: string): void => { data = key; emitter.emit('readable'); },
  });
  return { written, stdout, stdin };
}

describe('renderDashboard', () => {
  it('runs in the alternate screen, and on q s unmounts, leaves it, then calls actions.quit("stop")', async () => {
    // As `up` does: claim the terminal before Ink is loaded, so CI=true (set in CI runs) cannot put
    // Ink into its draw-only-at-exit mode. This file loads Ink only here (vitest isolates files).
    claimInteractiveTerminal();
    const { renderDashboard } = await import('../../../src/tui/render-dashboard.js');
    const term = fakeTerminal();
    const bus = new EventBus();
    for (const event of bootEvents()) bus.publish(event);
    const order: string[] = [];
    const actions = {
      runInstance: vi.fn(async () => undefined),
      deleteInstance: vi.fn(async () => undefined),
      ssh: vi.fn(async () => undefined),
      quit: vi.fn(async (mode: string) => { order.push(`quit ${mode} after ${term.written.at(-1) === '\u001B[?1049l' ? 'leaving' : 'still in'} the alternate screen`); }),
    };
    const handle = renderDashboard({
      events: eventBusSource(bus),
      actions,
      stdin: term.stdin as unknown as NodeJS.ReadStream,
      stdout: term.stdout as unknown as NodeJS.WriteStream,
      frameMs: 5,
    });
    // Wait for the first frame rather than a fixed time: on a loaded CI host the first render can
    // take far longer than the frame interval.
    await vi.waitFor(() => expect(term.written.join('')).toContain('Instances (1)'), { timeout: 10_000, interval: 20 });
    expect(term.written[0]).toContain('\u001B[?1049h');
    expect(term.stdin.setRawMode).toHaveBeenCalledWith(true);
    const beforeQ = term.written.length;
    term.stdin.type('q');
    // s answers the quit prompt: type it once the prompt is on screen, as a user would.
    await vi.waitFor(() => expect(term.written.slice(beforeQ).join('')).toContain('quit: s stop the cloud'), { timeout: 10_000, interval: 5 });
    term.stdin.type('s');
    await expect(handle.done).resolves.toBe('stop');
    expect(order).toEqual(['quit stop after leaving the alternate screen']);
  });

  it('claims a terminal from CI mode by setting CI and CONTINUOUS_INTEGRATION to false, leaving others alone', () => {
    const env: NodeJS.ProcessEnv = { CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/root' };
    claimInteractiveTerminal(env);
    expect(env).toEqual({ CI: 'false', CONTINUOUS_INTEGRATION: 'false', HOME: '/root' });
    const without: NodeJS.ProcessEnv = { HOME: '/root' };
    claimInteractiveTerminal(without);
    expect(without).toEqual({ HOME: '/root' });
  });

  it('says whether a TUI can run on the given streams', () => {
    const tty = { isTTY: true } as NodeJS.ReadStream & NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.ReadStream & NodeJS.WriteStream;
    expect(canRenderDashboard(tty, tty)).toBe(true);
    expect(canRenderDashboard(pipe, tty)).toBe(false);
    expect(canRenderDashboard(tty, pipe)).toBe(false);
  });
});
