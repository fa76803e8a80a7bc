import { describe, expect, it } from 'vitest';
import { bootEvents, requested, T0 } from './event-factory.js';
import { KEY, renderApp } from './render-app.js';

const other = bootEvents('i-00000000000000002', 'db', '10.0.0.7').slice(1);

describe('instance detail, console and metadata log', () => {
  it('enter shows the stage timeline with durations, what was served, the console and only its requests', async () => {
    const app = await renderApp({ events: [...bootEvents(), ...other] });
    await app.press(KEY.enter);
    await app.until(() => expect(app.frame()).toMatch(/^web \[starting\] i-0123456789abcdef0\s+10\.0\.0\.5/m));
    const frame = app.frame();
    expect(app.lines()).toHaveLength(23);
    expect(frame).toMatch(/dhcp\s+\d\d:\d\d:\d\d\s+\+2\.2s/);
    expect(frame).toMatch(/userdata\s+\d\d:\d\d:\d\d\s+\+200ms/);
    expect(frame).toContain('Metadata served: 3 req, 158 B, 1 4xx/5xx');
    expect(frame).toContain('404 /openstack/latest/meta_data.json');
    expect(frame).toContain('Linux version 6.1.0 (cirros)');
    expect(frame).toContain('Its metadata requests (3)');
    expect(frame).not.toMatch(/^\S+ db /m);
    await app.press(KEY.down);
    await app.until(() => expect(app.frame()).toMatch(/^db \[starting\]/m));
    await app.press(KEY.escape);
    await app.until(() => expect(app.frame()).toContain('Instances (2)'));
  });

  it('shows the last lifecycle error with its hint in the detail', async () => {
    const app = await renderApp({
      events: [...bootEvents(), { type: 'instance.error', at: T0 + 9000, instanceId: 'i-0123456789abcdef0', code: 'MC_ERR_NO_METADATA', message: 'no metadata request within 60 s', hint: 'check --datasource' }],
    });
    await app.press(KEY.enter);
    await app.until(() => expect(app.frame()).toContain('MC_ERR_NO_METADATA: no metadata request within 60 s (check --datasource)'));
  });

  it('l follows the console from the caller’s source and stops following on esc', async () => {
    const followers: string[] = [];
    let emit: (line: string) => void = () => undefined;
    let stopped = 0;
    const app = await renderApp({
      events: bootEvents(),
      followConsole: (id, onLine) => {
        followers.push(id);
        emit = onLine;
        onLine('earlier line');
        return () => {
          stopped++;
        };
      },
    });
    await app.press('l');
    // The view starts following from an effect once it is drawn; lines come through `emit` from then on.
    await app.until(() => expect(followers).toEqual(['i-0123456789abcdef0']));
    emit('login: ');
    await app.until(() => expect(app.frame()).toMatch(/earlier line\s*\nlogin:/));
    expect(app.frame()).toContain('Console of web (i-0123456789abcdef0)');
    expect(app.lines()).toHaveLength(23);
    expect(stopped).toBe(0);
    await app.press(KEY.escape);
    await app.until(() => expect(stopped).toBe(1));
    expect(followers).toHaveLength(1);
  });

  it('m shows the metadata log of all instances, scrolls with k and follows again with end', async () => {
    const flood = Array.from({ length: 40 }, (_, i) => requested({ time: T0 + 10_000 + i, path: `/latest/meta-data/n${i}` }));
    const app = await renderApp({ events: [...bootEvents(), ...flood] });
    await app.press('m');
    await app.until(() => expect(app.frame()).toContain('Metadata log (43)'));
    expect(app.frame()).toContain('/latest/meta-data/n39');
    expect(app.lines()).toHaveLength(23);
    await app.press('k', 'k', 'k');
    await app.until(() => expect(app.frame()).toContain('scrolled 3 up'));
    expect(app.frame()).not.toContain('/latest/meta-data/n39');
    await app.press('\u001B[F');
    await app.until(() => expect(app.frame()).toContain('/latest/meta-data/n39'));
    expect(app.frame()).not.toContain('scrolled');
  });
});
