import { describe, expect, it } from 'vitest';
import { bootEvents, requested, T0 } from '../tui/event-factory.js';
import { renderApp } from '../tui/render-app.js';
import { faultView } from './fault-factory.js';

describe('dashboard view: fault rules', () => {
  it('lists the rules with their hits above the requests and marks every injected answer, in 23 lines at 80×24', async () => {
    const app = await renderApp({
      events: [
        ...bootEvents(),
        { type: 'fault.added', at: T0 + 5300, rule: faultView() },
        { type: 'fault.added', at: T0 + 5300, rule: faultView({ id: 'f2', path: '/latest/api/token', method: 'PUT', action: { kind: 'hang' }, limit: { kind: 'always' } }) },
        requested({ time: T0 + 6000, path: '/latest/meta-data/instance-id', status: 500, fault: 'f1' }),
        requested({ time: T0 + 7000, path: '/latest/meta-data/instance-id', status: 500, fault: 'f1' }),
        requested({ time: T0 + 8000, path: '/latest/meta-data/instance-id', status: 500, fault: 'f1' }),
        requested({ time: T0 + 9000, method: 'PUT', path: '/latest/api/token', status: 0, bytes: 0, fault: 'f2' }),
        requested({ time: T0 + 10_000, path: '/latest/meta-data/hostname' }),
      ],
    });
    const lines = app.lines();
    expect(lines).toHaveLength(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(79);
    const title = lines.findIndex((l) => l.startsWith('Fault rules'));
    expect(lines.slice(title, title + 3)).toEqual([
      'Fault rules (1 active of 2)',
      'f2       active      1 hit  PUT /latest/api/token → hang',
      'f1       spent      3 hits  * /latest/** → status 500, 3 times',
    ]);
    const header = lines.find((l) => l.startsWith('TIME'));
    expect(header).toMatch(/^TIME\s+INSTANCE\s+METH\s+PATH\s+STA FAULT\s+TOOK/);
    // Paths are cut in the middle to fit: `/latest/…ata/instance-id`.
    expect(lines.filter((l) => / GET +\/latest\/…ata\/instance-id +500 f1 /.test(l))).toHaveLength(3);
    expect(lines.filter((l) => / PUT +\/latest\/api\/token +--- f2 /.test(l))).toHaveLength(1);
    expect(lines.find((l) => l.includes('hostname'))).toMatch(/ 200 {7}/);
    // Injected answers count as the instance's failed requests: the bootstrap 404 plus 3 × 500 plus the one left unanswered.
    expect(lines[3]).toMatch(/\s5$/);
  });

  it('shows no faults pane and no FAULT column without rules', async () => {
    const app = await renderApp({ events: bootEvents() });
    expect(app.frame()).not.toContain('Fault rules');
    expect(app.lines().find((l) => l.startsWith('TIME'))).not.toContain('FAULT');
  });
});
