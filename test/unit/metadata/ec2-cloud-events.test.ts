import { afterEach, describe, expect, it } from 'vitest';
import { maintenanceEvent, rebalanceEvent, spotEvent, withEventCanceled } from '../../../src/core/cloud-event-spec.js';
import type { CloudEvent } from '../../../src/domain/cloud-event.js';
import { maintenanceTime } from '../../../src/metadata/ec2/ec2-events-tree.js';
import { fixtureInstance, harness, type Harness } from './metadata-test-kit.js';

const ID = 'i-0123456789abcdef0';
const MD = '/latest/meta-data';
const MIN = 60_000;
const SPOT = 'instance-event-0000000000000000a';
const MAINT = 'instance-event-0000000000000000b';
const REBALANCE = 'instance-event-0000000000000000c';

/** An EC2 guest (the fixture as `ec2`) and the same as a Nova guest, which has no cloud events. */
const ec2Guest = () => fixtureInstance({ datasource: 'ec2' });

function setEvents(h: Harness, events: CloudEvent[]): void {
  const record = h.instances.getInstance(ID);
  if (record === undefined) throw new Error('no instance');
  h.instances.updateInstance({ ...record, cloudEvents: events });
}

describe('EC2 cloud events in the metadata tree', () => {
  let h: Harness;
  afterEach(async () => h.app.close());

  const get = async (path: string) => {
    const res = await h.req(path);
    return { status: res.statusCode, body: res.body, type: res.headers['content-type'] };
  };
  /** One transcript block: what each path answers now. */
  const snapshot = async (title: string, paths: string[]) => {
    const lines = [`## ${title} (${new Date(h.clock.now()).toISOString()})`];
    for (const path of paths) {
      const r = await get(path);
      lines.push(`GET ${path} → ${r.status}`, r.status === 200 ? r.body : '(not found)');
    }
    return lines.join('\n');
  };
  const ALL = [
    `${MD}/`,
    `${MD}/spot/`,
    `${MD}/spot/instance-action`,
    `${MD}/spot/termination-time`,
    `${MD}/events/`,
    `${MD}/events/maintenance/scheduled`,
    `${MD}/events/maintenance/history`,
    `${MD}/events/recommendations/rebalance`,
    `${MD}/autoscaling/target-lifecycle-state`,
  ];

  it('answers before, at and after each event as EC2 does (golden transcript)', async () => {
    h = await harness([ec2Guest()]);
    const t0 = h.clock.now();
    const blocks = [await snapshot('no events', ALL)];

    const spot = spotEvent(SPOT, t0, { action: 'terminate', inMs: 2 * MIN, act: true, noticeAt: t0 + MIN });
    const maint = maintenanceEvent(MAINT, t0, { code: 'system-reboot', notBefore: t0 + 10 * MIN, durationMs: 30 * MIN, act: true });
    setEvents(h, [spot, maint]);
    blocks.push(await snapshot('maintenance announced, spot notice due in 1 minute', ALL));
    h.clock.advance(MIN);
    blocks.push(await snapshot('spot notice out: terminate in 2 minutes', ALL));
    h.clock.advance(2 * MIN);
    blocks.push(await snapshot('spot action time (the notice stays)', [`${MD}/spot/instance-action`]));
    h.clock.advance(37 * MIN);
    blocks.push(await snapshot('maintenance window over', [`${MD}/events/maintenance/scheduled`, `${MD}/events/maintenance/history`]));

    const later = h.clock.now();
    const second = maintenanceEvent('instance-event-0000000000000000d', later, { code: 'instance-stop', notBefore: later + 60 * MIN, durationMs: 60 * MIN, act: true });
    setEvents(h, withEventCanceled([spot, maint, second, rebalanceEvent(REBALANCE, later)], SPOT, later));
    blocks.push(await snapshot('spot canceled, another maintenance, a rebalance recommendation', ALL));
    setEvents(h, withEventCanceled(h.instances.getInstance(ID)?.cloudEvents ?? [], 'instance-event-0000000000000000d', later));
    blocks.push(await snapshot('that maintenance canceled', [`${MD}/events/maintenance/scheduled`, `${MD}/events/maintenance/history`]));

    await expect(blocks.join('\n\n') + '\n').toMatchFileSnapshot('../../../fixtures/metadata/ec2-cloud-events.txt');
  });

  it('serves the exact formats: compact JSON with RFC 3339 times, EC2 maintenance times, text/plain', async () => {
    h = await harness([ec2Guest()]);
    const t0 = h.clock.now();
    setEvents(h, [
      spotEvent(SPOT, t0, { action: 'hibernate', inMs: 0, act: true }),
      maintenanceEvent(MAINT, t0, { code: 'instance-retirement', notBefore: Date.UTC(2025, 5, 2, 9, 0, 43), durationMs: 1000 * 1000, act: true }),
      rebalanceEvent(REBALANCE, t0),
    ]);
    const action = await get(`${MD}/spot/instance-action`);
    expect(action).toEqual({ status: 200, body: '{"action":"hibernate","time":"2025-06-01T00:00:00Z"}', type: 'text/plain' });
    expect((await get(`${MD}/spot/termination-time`)).status).toBe(404);
    expect((await get(`${MD}/spot/`)).body).toBe('instance-action');
    expect((await get(`${MD}/events/recommendations/rebalance`)).body).toBe('{"noticeTime":"2025-06-01T00:00:00Z"}');
    const scheduled = JSON.parse((await get(`${MD}/events/maintenance/scheduled`)).body) as unknown;
    expect(scheduled).toEqual([
      {
        NotBefore: '2 Jun 2025 09:00:43 GMT',
        Code: 'instance-retirement',
        Description: 'The instance is running on degraded hardware',
        EventId: MAINT,
        NotAfter: '2 Jun 2025 09:17:23 GMT',
        State: 'active',
      },
    ]);
    expect(maintenanceTime(Date.UTC(2019, 0, 21, 9, 0, 43))).toBe('21 Jan 2019 09:00:43 GMT');
    expect((await get(`${MD}/autoscaling/target-lifecycle-state`)).body).toBe('InService');
  });

  it('follows the clock without a record change: a delayed notice appears, a window moves to history (views expire at boundaries)', async () => {
    h = await harness([ec2Guest()]);
    const t0 = h.clock.now();
    setEvents(h, [
      spotEvent(SPOT, t0, { action: 'stop', inMs: MIN, act: true, noticeAt: t0 + 5000 }),
      maintenanceEvent(MAINT, t0, { code: 'system-maintenance', notBefore: t0, durationMs: 10_000, act: true }),
    ]);
    expect((await get(`${MD}/spot/instance-action`)).status).toBe(404);
    expect(JSON.parse((await get(`${MD}/events/maintenance/scheduled`)).body)).toHaveLength(1);
    h.clock.advance(5000);
    expect((await get(`${MD}/spot/instance-action`)).status).toBe(200);
    h.clock.advance(5000);
    expect((await get(`${MD}/events/maintenance/scheduled`)).body).toBe('[ ]');
    expect(JSON.parse((await get(`${MD}/events/maintenance/history`)).body)).toMatchObject([{ State: 'completed', Description: '[Completed] The instance is scheduled for system maintenance' }]);
  });

  it('lists each category from the metadata version EC2 introduced it in', async () => {
    h = await harness([ec2Guest()]);
    setEvents(h, [spotEvent(SPOT, h.clock.now(), { action: 'terminate', inMs: MIN, act: true }), rebalanceEvent(REBALANCE, h.clock.now())]);
    const listing = async (version: string) => (await get(`/${version}/meta-data/`)).body.split('\n');
    expect(await listing('2009-04-04')).not.toContain('spot/');
    expect((await get('/2016-09-02/meta-data/spot/')).body).toBe('termination-time');
    expect(await listing('2016-09-02')).not.toContain('events/');
    expect((await get('/2018-09-24/meta-data/events/')).body).toBe('maintenance/');
    expect((await get('/2021-03-23/meta-data/events/')).body).toBe('maintenance/\nrecommendations/');
    expect(await listing('2021-03-23')).not.toContain('autoscaling/');
    expect(await listing('latest')).toEqual(expect.arrayContaining(['autoscaling/', 'events/', 'spot/']));
  });

  it('serves none of it to a Nova guest (OpenStack\'s EC2-compatible tree has no cloud events)', async () => {
    h = await harness([fixtureInstance({ datasource: 'openstack' })]);
    setEvents(h, [spotEvent(SPOT, h.clock.now(), { action: 'terminate', inMs: MIN, act: true })]);
    expect((await get(`${MD}/`)).body.split('\n')).not.toEqual(expect.arrayContaining(['spot/']));
    expect((await get(`${MD}/spot/instance-action`)).status).toBe(404);
    expect((await get(`${MD}/events/maintenance/scheduled`)).status).toBe(404);
    expect((await get(`${MD}/autoscaling/target-lifecycle-state`)).status).toBe(404);
  });
});
