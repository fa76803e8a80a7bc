import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOUD_METADATA } from '../../../src/clouds/registry.js';
import { gcePlugin } from '../../../src/clouds/gce/gce-plugin.js';
import { LongPollRegistry } from '../../../src/clouds/gce/gce-long-poll.js';
import { cloudEventView } from '../../../src/core/cloud-event-timeline.js';
import { maintenanceEvent, spotEvent, withEventCanceled } from '../../../src/core/cloud-event-spec.js';
import type { CloudEvent, CloudEventNews } from '../../../src/domain/cloud-event.js';
import type { CloudMetadata } from '../../../src/metadata/metadata-api.js';
import { bareInstance, fixtureInstance, harness, type Harness } from '../metadata/metadata-test-kit.js';

const V1 = '/computeMetadata/v1';
const FLAVOR = { 'metadata-flavor': 'Google' };
const MAINTENANCE = `${V1}/instance/maintenance-event`;
const PREEMPTED = `${V1}/instance/preempted`;
const ID = 'i-0123456789abcdef0';
const MIN = 60_000;

function cloudsWatching(polls: LongPollRegistry): CloudMetadata[] {
  return CLOUD_METADATA.map((c) =>
    c.cloud === 'gce' ? { cloud: 'gce', apis: [{ name: 'gce', plugin: (app, ctx) => gcePlugin(app, { instances: ctx.instances, bus: ctx.bus, clock: ctx.clock, projectSeed: ctx.projectId, polls }) }] } : c,
  );
}

/** What the controller does when it makes or changes an event: the record first, then the news on the bus. */
function setEvents(h: Harness, events: CloudEvent[], type: CloudEventNews['type'] = 'cloud.event.scheduled'): void {
  const record = h.instances.getInstance(ID);
  if (record === undefined) throw new Error('no instance');
  h.instances.updateInstance({ ...record, cloudEvents: events });
  const last = events[events.length - 1];
  if (last === undefined) return;
  const event = cloudEventView(last, record, h.clock.now());
  const news = type === 'cloud.event.fired' ? { type, at: h.clock.now(), instanceId: ID, event, outcome: 'none' as const, lateMs: 0 } : { type, at: h.clock.now(), instanceId: ID, event };
  h.bus.publish(news);
}

describe('GCE: maintenance-event and preempted follow the cloud events', () => {
  let h: Harness;
  let polls: LongPollRegistry;
  afterEach(async () => h.app.close());
  const setup = async () => {
    polls = new LongPollRegistry();
    h = await harness([fixtureInstance({ datasource: 'gce' }), bareInstance({ datasource: 'gce' })], { clouds: cloudsWatching(polls) });
  };
  const read = async (path: string) => (await h.req(path, { headers: FLAVOR })).body;

  it('maintenance-event: NONE, MIGRATE_ON_HOST_MAINTENANCE for system-maintenance until the window ends, then NONE', async () => {
    await setup();
    expect(await read(MAINTENANCE)).toBe('NONE');
    const now = h.clock.now();
    setEvents(h, [maintenanceEvent('instance-event-00000000000000001', now, { code: 'system-maintenance', notBefore: now + MIN, durationMs: 10 * MIN, act: true })]);
    expect(await read(MAINTENANCE)).toBe('MIGRATE_ON_HOST_MAINTENANCE');
    h.clock.advance(11 * MIN - 1);
    expect(await read(MAINTENANCE)).toBe('MIGRATE_ON_HOST_MAINTENANCE');
    h.clock.advance(1);
    expect(await read(MAINTENANCE)).toBe('NONE');
  });

  it('maintenance-event: TERMINATE_ON_HOST_MAINTENANCE for a code that stops or reboots the VM; NONE again once canceled', async () => {
    await setup();
    const now = h.clock.now();
    const events = [maintenanceEvent('instance-event-00000000000000002', now, { code: 'instance-stop', notBefore: now + MIN, durationMs: MIN, act: true })];
    setEvents(h, events);
    expect(await read(MAINTENANCE)).toBe('TERMINATE_ON_HOST_MAINTENANCE');
    setEvents(h, withEventCanceled(events, 'instance-event-00000000000000002', now), 'cloud.event.canceled');
    expect(await read(MAINTENANCE)).toBe('NONE');
  });

  it('preempted: FALSE, TRUE from a spot notice on (a notice made for later shows then)', async () => {
    await setup();
    expect(await read(PREEMPTED)).toBe('FALSE');
    const now = h.clock.now();
    setEvents(h, [spotEvent('instance-event-00000000000000003', now, { action: 'terminate', inMs: 30_000, act: true, noticeAt: now + MIN })]);
    expect(await read(PREEMPTED)).toBe('FALSE');
    h.clock.advance(MIN);
    expect(await read(PREEMPTED)).toBe('TRUE');
    expect(JSON.parse(await read(`${V1}/instance/?recursive=true`))).toMatchObject({ preempted: 'TRUE', maintenanceEvent: 'NONE' });
  });

  it('wakes a wait_for_change on maintenance-event when an event is made, and again when its window ends', async () => {
    await setup();
    const etag = String((await h.req(MAINTENANCE, { headers: FLAVOR })).headers['etag']);
    const first = h.req(`${MAINTENANCE}?wait_for_change=true&last_etag=${etag}`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    const now = h.clock.now();
    const events = [maintenanceEvent('instance-event-00000000000000004', now, { code: 'system-reboot', notBefore: now, durationMs: MIN, act: true })];
    setEvents(h, events);
    const changed = await first;
    expect(changed.body).toBe('TERMINATE_ON_HOST_MAINTENANCE');
    expect(polls.size()).toBe(0);

    const second = h.req(`${MAINTENANCE}?wait_for_change=true&last_etag=${String(changed.headers['etag'])}`, { headers: FLAVOR });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    h.clock.advance(MIN);
    // The window's end is published as cloud.event.completed (the controller's or metadata serve's ticker).
    setEvents(h, events, 'cloud.event.completed');
    expect((await second).body).toBe('NONE');
  });

  it('an event of another instance leaves the wait held', async () => {
    await setup();
    const pending = h.req(`${PREEMPTED}?wait_for_change=true&timeout_sec=1`, { headers: FLAVOR, remoteAddress: '10.254.254.11' });
    await vi.waitFor(() => expect(polls.size()).toBe(1));
    setEvents(h, [spotEvent('instance-event-00000000000000005', h.clock.now(), { action: 'stop', inMs: MIN, act: true })]);
    expect(polls.size()).toBe(1);
    expect((await pending).body).toBe('FALSE');
  });
});
