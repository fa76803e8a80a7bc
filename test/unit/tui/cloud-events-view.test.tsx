import { describe, expect, it } from 'vitest';
import { cloudEventView } from '../../../src/core/cloud-event-timeline.js';
import { maintenanceEvent, spotEvent, withEventFired } from '../../../src/core/cloud-event-spec.js';
import type { MinicloudEvent } from '../../../src/domain/events.js';
import { bootEvents, T0 } from './event-factory.js';
import { KEY, renderApp } from './render-app.js';

const ID = 'i-0123456789abcdef0';
const instance = { id: ID, name: 'web' };
/** renderApp's clock. */
const NOW = T0 + 7000;
const spot = spotEvent('instance-event-0000000000000000a', T0 + 5000, { action: 'stop', inMs: 120_000, act: true });
const scheduled: MinicloudEvent = { type: 'cloud.event.scheduled', at: T0 + 5000, instanceId: ID, event: cloudEventView(spot, instance, T0 + 5000) };

describe('TUI: cloud events', () => {
  it('no events, no EVENT column (the frame is as before)', async () => {
    const app = await renderApp({ events: bootEvents() });
    expect(app.lines()[2]).not.toContain('EVENT');
  });

  it('shows a pending event with its countdown in the instances pane, and the notice in the footer', async () => {
    const app = await renderApp({ events: [...bootEvents(), scheduled] });
    const lines = app.lines();
    expect(lines).toHaveLength(23);
    expect(lines[2]).toMatch(/\sEVENT$/);
    // Announced at T0+5s for T0+125s; the dashboard's clock says T0+7s: 1m58s to go.
    expect(lines[3]).toMatch(/\sspot 1m58s$/);
    expect(lines[22]).toMatch(/^web instance-event-0000000000000000a scheduled: spot stop at 12:02:05Z/);
  });

  it('the detail view lists the instance\'s events and keeps the frame height', async () => {
    const maint = maintenanceEvent('instance-event-0000000000000000b', T0 + 6000, { code: 'system-reboot', notBefore: T0 + 3_600_000, durationMs: 3_600_000, act: true });
    const app = await renderApp({ events: [...bootEvents(), scheduled, { type: 'cloud.event.scheduled', at: T0 + 6000, instanceId: ID, event: cloudEventView(maint, instance, T0 + 6000) }], columns: 120 });
    await app.press(KEY.enter);
    await app.until(() => expect(app.frame()).toContain('Cloud events: spot stop in 1m58s · maintenance system-reboot 13:00:00Z–14:00:00Z in 59m53s'));
    expect(app.lines()).toHaveLength(23);
    expect(app.frame()).toContain('Console (l: full screen)');
  });

  it('says what happened when it fired: the outcome in the pane, how late in the footer', async () => {
    // Announced at T0+5s for T0+6.5s, stopped at T0+6.9s; the dashboard's clock says T0+7s.
    const short = spotEvent(spot.id, T0 + 5000, { action: 'stop', inMs: 1500, act: true });
    const fired = withEventFired([short], spot.id, { at: NOW - 100, outcome: 'stopped', detail: null })[0]!;
    const news: MinicloudEvent = { type: 'cloud.event.fired', at: NOW - 100, instanceId: ID, event: cloudEventView(fired, instance, NOW - 100), outcome: 'stopped', lateMs: 400 };
    const app = await renderApp({ events: [...bootEvents(), { ...scheduled, event: cloudEventView(short, instance, T0 + 5000) }, news], columns: 120 });
    expect(app.lines()[3]).toMatch(/\sstopped$/);
    expect(app.lines()[22]).toBe('web instance-event-0000000000000000a fired: spot stop at 12:00:06Z → stopped, 400 ms after the announced time');
  });

  it('shows a metadata set change as a notice (instance.metadata)', async () => {
    const app = await renderApp({ events: [...bootEvents(), { type: 'instance.metadata', at: NOW - 1000, instanceId: ID, keys: ['role'], userData: true }] });
    expect(app.lines()[22]).toBe('web: metadata changed (meta role, user-data)');
  });
});
