import { describe, expect, it } from 'vitest';
import { added, bootEvents, requested, T0 } from './event-factory.js';
import { renderApp } from './render-app.js';

describe('dashboard view', () => {
  it('fills exactly 23 lines at 80×24 with both panes and the key hints', async () => {
    const app = await renderApp({ events: bootEvents() });
    const lines = app.lines();
    expect(lines).toHaveLength(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(79);
    expect(lines[0]).toMatch(/^minicloud up 1 instances \(0 running\)\s+3 metadata requests\s+\? help$/);
    expect(lines[1]).toBe('Instances (1)');
    expect(lines[2]).toMatch(/^STAGE\s+NAME\s+IP\s+IMAGE\s+DATASRC\s+ACC\s+AGE\s+LASTMD\s+ERR$/);
    expect(lines[3]).toMatch(/^. userdata\s+web\s+10\.0\.0\.5\s+minicirros\s+ec2\s+tcg\s+7s\s+1s\s+1$/);
    expect(app.frame()).toMatch(/\/openstack\/…\S*meta_data\.json 404/);
    expect(app.frame()).toContain('Cloud-Init/22');
    expect(lines[22]).toContain('enter detail');
  });

  it('uses a large terminal: the id column appears and panes grow, and shrinks back on resize', async () => {
    const app = await renderApp({ events: bootEvents(), columns: 160, rows: 50 });
    expect(app.lines()).toHaveLength(49);
    expect(app.frame()).toContain('i-0123456789abcdef0');
    await app.resize(80, 24);
    expect(app.lines()).toHaveLength(23);
    expect(app.frame()).not.toContain('i-0123456789abcdef0');
  });

  it('lists running instances first and shows new events after a frame', async () => {
    const app = await renderApp({ events: [added({ id: 'i-a', name: 'booting-one' })] });
    app.bus.publish(added({ id: 'i-b', name: 'runner', state: 'running', stage: 'ready', ip: '10.0.0.6' }, T0 + 1));
    app.bus.publish({ type: 'instance.error', at: T0 + 2, instanceId: 'i-a', code: 'MC_ERR_BOOT', message: 'no DHCP request' });
    await app.until(() => {
      const rows = app.lines().slice(3, 5);
      expect(rows[0]).toMatch(/^✓ ready\s+runner/);
      expect(rows[1]).toMatch(/booting-one.*\s1$/);
      expect(rows[1]).toMatch(/^. defined/);
    });
  });

  it('scrolls the request pane to the newest requests and keeps its height', async () => {
    const flood = Array.from({ length: 50 }, (_, i) => requested({ time: T0 + i * 1000, path: `/latest/meta-data/p${i}` }));
    const app = await renderApp({ events: [...bootEvents(), ...flood] });
    expect(app.lines()).toHaveLength(23);
    expect(app.frame()).toContain('/latest/meta-data/p49');
    expect(app.frame()).not.toContain('/latest/meta-data/p30 ');
  });

  it('filters both panes with /', async () => {
    const app = await renderApp({ events: [...bootEvents(), ...bootEvents('i-00000000000000002', 'db', '10.0.0.7')] });
    await app.press('/', 'd', 'b');
    await app.until(() => expect(app.lines().at(-1)).toContain('/db'));
    await app.press('\r');
    await app.until(() => expect(app.lines()[0]).toContain('filter: db'));
    expect(app.frame()).toContain('Instances (1)');
    expect(app.frame()).not.toMatch(/\bweb\b/);
    await app.press('\u001B');
    await app.until(() => expect(app.frame()).toContain('Instances (2)'));
  });

  it('shows the key help with ? and closes it with any key', async () => {
    const app = await renderApp({ events: bootEvents() });
    await app.press('?');
    await app.until(() => expect(app.frame()).toContain('Keys (any key closes this)'));
    expect(app.lines()).toHaveLength(23);
    await app.press('x');
    await app.until(() => expect(app.frame()).not.toContain('Keys (any key closes this)'));
    expect(app.frame()).toContain('Instances (1)');
  });
});
