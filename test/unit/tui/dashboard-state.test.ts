import { describe, expect, it } from 'vitest';
import { applyInputs, errorCountOf, initialDashboardState, LIMITS, reduceDashboard } from '../../../src/tui/dashboard-state.js';
import { added, bootEvents, requested, summary, T0 } from './event-factory.js';

const ID = 'i-0123456789abcdef0';

describe('dashboard reducer', () => {
  it('builds the stage timeline, the served summary and the per-instance requests from a boot', () => {
    const state = applyInputs(initialDashboardState(), bootEvents());
    const view = state.instances[ID];
    expect(state.cloud?.status).toBe('up');
    expect(view?.summary.stage).toBe('userdata');
    expect(view?.stages.map((m) => [m.stage, m.elapsedMs])).toEqual([
      ['defined', 0], ['booting', 800], ['dhcp', 3000], ['metadata', 5000], ['userdata', 5200],
    ]);
    expect(view?.served).toMatchObject({ requests: 3, bytes: 19 + 19 + 120, failures: 1 });
    expect(view?.served.paths.map((p) => p.status)).toEqual([200, 404, 200]);
    expect(view?.requests).toHaveLength(3);
    expect(view?.summary.lastMetadataAt).toBe(T0 + 5200);
    expect(view?.console).toEqual(['Linux version 6.1.0 (cirros)']);
    expect(state.requestCount).toBe(3);
  });

  it('never mutates the state it is given', () => {
    const before = applyInputs(initialDashboardState(), bootEvents());
    const snapshot = JSON.stringify(before);
    reduceDashboard(before, requested({ time: T0 + 9000 }));
    reduceDashboard(before, { type: 'instance.removed', at: T0, instanceId: ID });
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('keeps every buffer bounded under a flood', () => {
    let state = applyInputs(initialDashboardState(), [added()]);
    const flood = Array.from({ length: 2000 }, (_, i) => requested({ time: T0 + i, path: `/p/${i}` }));
    const lines = Array.from({ length: 1000 }, (_, i) => ({ type: 'instance.console' as const, at: T0, instanceId: ID, line: `line ${i}` }));
    state = applyInputs(state, [...flood, ...lines]);
    expect(state.requests).toHaveLength(LIMITS.requests);
    expect(state.requests[state.requests.length - 1]?.path).toBe('/p/1999');
    expect(state.requestCount).toBe(2000);
    expect(state.instances[ID]?.requests).toHaveLength(LIMITS.instanceRequests);
    expect(state.instances[ID]?.served.paths).toHaveLength(LIMITS.servedPaths);
    expect(state.instances[ID]?.console).toHaveLength(LIMITS.consoleLines);
    expect(state.instances[ID]?.console.at(-1)).toBe('line 999');
  });

  it('counts errors from the controller or from what it saw, whichever is larger', () => {
    let state = applyInputs(initialDashboardState(), [added(), requested({ status: 404 })]);
    state = reduceDashboard(state, { type: 'instance.error', at: T0, instanceId: ID, code: 'MC_ERR_X', message: 'boom', hint: 'fix it' });
    const view = state.instances[ID];
    expect(view?.errors[0]).toEqual({ at: T0, code: 'MC_ERR_X', message: 'boom', hint: 'fix it' });
    expect(view === undefined ? -1 : errorCountOf(view)).toBe(2);
    state = reduceDashboard(state, { type: 'instance.updated', at: T0, instance: summary({ errorCount: 7 }) });
    const updated = state.instances[ID];
    expect(updated === undefined ? -1 : errorCountOf(updated)).toBe(7);
  });

  it('takes the controller summary on update but keeps a newer last-metadata time it saw itself', () => {
    let state = applyInputs(initialDashboardState(), [added(), requested({ time: T0 + 4000 })]);
    state = reduceDashboard(state, { type: 'instance.updated', at: T0 + 6000, instance: summary({ state: 'running', stage: 'ssh', lastMetadataAt: null }) });
    expect(state.instances[ID]?.summary).toMatchObject({ state: 'running', stage: 'ssh', lastMetadataAt: T0 + 4000 });
    expect(state.instances[ID]?.stages.map((m) => m.stage)).toEqual(['defined', 'ssh']);
  });

  it('drops removed instances, ignores events for unknown ones, and keeps requests from unknown sources', () => {
    let state = applyInputs(initialDashboardState(), bootEvents());
    state = applyInputs(state, [
      { type: 'instance.removed', at: T0, instanceId: ID },
      { type: 'instance.stage', at: T0, instanceId: 'i-gone', stage: 'ready', elapsedMs: 1 },
      requested({ instanceId: null, sourceIp: '10.0.0.99' }),
    ]);
    expect(state.instances).toEqual({});
    expect(state.requests.at(-1)?.sourceIp).toBe('10.0.0.99');
  });

  it('turns notices and service restarts into bounded notices', () => {
    const inputs = Array.from({ length: 30 }, (_, i) => ({ type: 'notice' as const, at: T0 + i, level: 'warn' as const, message: `n${i}` }));
    let state = applyInputs(initialDashboardState(), inputs);
    state = reduceDashboard(state, { type: 'service.restarted', at: T0, service: 'dnsmasq', reason: 'exited 1' });
    expect(state.notices).toHaveLength(LIMITS.notices);
    expect(state.notices.at(-1)?.message).toBe('dnsmasq restarted: exited 1');
  });

  it('collects followed console lines only for the followed instance', () => {
    const state = applyInputs(initialDashboardState(), [
      { type: 'tui.console.follow', instanceId: ID },
      { type: 'tui.console.line', instanceId: ID, line: 'login:' },
      { type: 'tui.console.line', instanceId: 'i-other', line: 'not me' },
    ]);
    expect(state.followed).toEqual({ instanceId: ID, lines: ['login:'] });
  });
});
