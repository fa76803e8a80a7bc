import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadInstancesFile } from '../../../src/config/load-instances-file.js';
import { thrownMinicloudError } from '../../helpers/minicloud-error.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('instances file: events (what `metadata serve` plays)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minicloud-events-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (yaml: string) => {
    const path = join(dir, 'instances.yaml');
    writeFileSync(path, yaml);
    return loadInstancesFile(path, NOW);
  };

  it('turns each entry into an event: delays count from the start, UTC times are absolute, defaults as the commands', () => {
    const [record] = load(`instances:
  - ip: 10.0.0.5
    events:
      - type: spot
        notice: 30s
      - type: spot
        action: stop
        in: 90s
        id: instance-event-0123456789abcdef0
      - type: maintenance
        code: instance-stop
        at: 2030-01-01T01:00:00Z
        duration: 30m
      - type: maintenance
        at: 1h
      - type: rebalance
        notice: 2030-01-01T00:00:10Z
`);
    const events = record?.cloudEvents ?? [];
    expect(events.map((e) => e.kind)).toEqual(['spot', 'spot', 'maintenance', 'maintenance', 'rebalance']);
    expect(events[0]).toMatchObject({ action: 'terminate', noticeAt: NOW + 30_000, actionAt: NOW + 150_000, act: true, fired: null, canceledAt: null });
    expect(events[1]).toMatchObject({ id: 'instance-event-0123456789abcdef0', action: 'stop', noticeAt: NOW, actionAt: NOW + 90_000 });
    expect(events[2]).toMatchObject({ code: 'instance-stop', notBefore: NOW + 3_600_000, notAfter: NOW + 5_400_000, description: 'The instance is running on degraded hardware' });
    expect(events[3]).toMatchObject({ code: 'system-reboot', notBefore: NOW + 3_600_000, notAfter: NOW + 3 * 3_600_000 });
    expect(events[4]).toMatchObject({ kind: 'rebalance', noticeAt: NOW + 10_000 });
    // Derived ids are stable: the same file gives the same ids on every start.
    expect(load(`instances:\n  - ip: 10.0.0.5\n    events: [{ type: spot, notice: 30s }]\n`)[0]?.cloudEvents[0]?.id).toBe(events[0]?.id);
  });

  it('names the field of a mistake (MC_ERR_FILE_INVALID)', () => {
    const cases: [string, string][] = [
      ['[{ type: spot, code: instance-stop }]', '/instances/0/events/0/code'],
      ['[{ type: maintenance }]', '/instances/0/events/0/at'],
      ['[{ type: maintenance, at: 1h, duration: 0s }]', '/instances/0/events/0'],
      ['[{ type: quake }]', '/instances/0/events/0/type'],
      ['[{ type: spot, in: soon }]', '/instances/0/events/0/in'],
    ];
    for (const [events, pointer] of cases) {
      const err = thrownMinicloudError(() => load(`instances:\n  - ip: 10.0.0.5\n    events: ${events}\n`));
      expect(err.code, events).toBe('MC_ERR_FILE_INVALID');
      expect(err.message, events).toContain(`${pointer}:`);
    }
  });
});
