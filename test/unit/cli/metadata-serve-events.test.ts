import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, serveCli, type ServingCli } from './run-cli.js';

/** Polls `url` until `done(status, body)` holds; the last answer. */
async function pollUntil(url: string, done: (status: number, body: string) => boolean, timeoutMs: number): Promise<{ status: number; body: string }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url);
    const answer = { status: res.status, body: await res.text() };
    if (done(answer.status, answer.body) || Date.now() > until) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForStderr(server: ServingCli, pattern: RegExp, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (!pattern.test(server.stderr()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  return server.stderr();
}

describe('minicloud metadata serve plays the instances file\'s events: (the built CLI)', () => {
  let dir: string;
  let server: ServingCli | undefined;
  beforeEach(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'mc-serve-events-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a spot event: 404 before its notice, AWS\'s instance-action JSON after, and stderr tells each step', async () => {
    const instances = join(dir, 'instances.yaml');
    writeFileSync(instances, ['instances:', '  - ip: 127.0.0.1', '    name: spot-1', '    events:', '      - type: spot', '        notice: 1s', '        in: 2s', ''].join('\n'));
    const startedAt = Date.now();
    server = await serveCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', instances]);
    const action = `${server.url}/latest/meta-data/spot/instance-action`;

    const before = await fetch(action);
    await before.text();
    expect(before.status).toBe(404);
    expect((await fetch(`${server.url}/latest/meta-data/spot/termination-time`)).status).toBe(404);
    expect(server.stderr()).toMatch(/^minicloud: event: spot-1 instance-event-[0-9a-f]{17} scheduled: spot terminate at \d\d:\d\d:\d\dZ, notice at \d\d:\d\d:\d\dZ$/m);

    const after = await pollUntil(action, (status) => status === 200, 5000);
    expect(after.status).toBe(200);
    // AWS: {"action": "terminate", "time": "2017-09-18T08:22:00Z"} — the action time in UTC, whole seconds.
    const notice = JSON.parse(after.body) as { action: string; time: string };
    expect(Object.keys(notice)).toEqual(['action', 'time']);
    expect(notice.action).toBe('terminate');
    expect(notice.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const time = Date.parse(notice.time);
    expect(time).toBeGreaterThanOrEqual(Math.floor((startedAt + 3000) / 1000) * 1000);
    expect(time).toBeLessThan(Date.now() + 3000);
    const termination = await fetch(`${server.url}/latest/meta-data/spot/termination-time`);
    expect(await termination.text()).toBe(notice.time);
    expect(await (await fetch(`${server.url}/latest/meta-data/`)).text()).toMatch(/^spot\/$/m);

    const stderr = await waitForStderr(server, /fired:/, 5000);
    expect(stderr).toMatch(/^minicloud: event: spot-1 instance-event-[0-9a-f]{17} notice: spot terminate at /m);
    expect(stderr).toMatch(/^minicloud: event: spot-1 instance-event-[0-9a-f]{17} fired: spot terminate at \S+ → no-controller, [\d.]+ m?s after the announced time$/m);
    // Nothing acts on a guest: the notice stays, as it would until EC2 took the instance away.
    expect((await fetch(action)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 20_000);

  it('an action time already past at the start is reported at once', async () => {
    const instances = join(dir, 'instances.yaml');
    writeFileSync(instances, ['instances:', '  - ip: 127.0.0.1', '    name: now-1', '    events:', '      - type: spot', '        action: stop', '        in: 0s', ''].join('\n'));
    server = await serveCli(['metadata', 'serve', '--listen', '127.0.0.1:0', '--instances', instances]);
    const stderr = await waitForStderr(server, /fired:/, 3000);
    expect(stderr).toMatch(/now-1 instance-event-[0-9a-f]{17} fired: spot stop at \S+ → no-controller/);
    expect(JSON.parse(await (await fetch(`${server.url}/latest/meta-data/spot/instance-action`)).text())).toMatchObject({ action: 'stop' });
    // termination-time is for a terminate only (AWS).
    expect((await fetch(`${server.url}/latest/meta-data/spot/termination-time`)).status).toBe(404);
  });
});
