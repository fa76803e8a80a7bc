import { CLOUD_METADATA, CLOUD_NAMES } from '../clouds/registry.js';
import { randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../adapters/store/sqlite/open-sqlite-store.js';
import { loadInstancesFile } from '../config/load-instances-file.js';
import { FaultBook } from '../core/fault-book.js';
import type { FaultRuleSpec } from '../core/fault-rule-spec.js';
import { MAX_SEED } from '../core/seeded-random.js';
import type { FaultRuleView } from '../domain/fault-rule.js';
import type { MinicloudEvent } from '../domain/events.js';
import { EventBus } from '../events/event-bus.js';
import { errors } from '../errors/catalogue.js';
import { buildMetadataApp } from '../metadata/build-metadata-app.js';
import type { Clock } from '../ports/clock.js';
import { httpUrl, type ListenAddress } from '../config/listen-address.js';
import { CloudEventTicker } from '../controller/cloud-event-ticker.js';
import { actionTime, cloudEventView, dueEvents } from '../core/cloud-event-timeline.js';
import { withEventFired } from '../core/cloud-event-spec.js';
import type { CloudEvent } from '../domain/cloud-event.js';
import type { InstanceRecord } from '../domain/instance.js';
import type { InstanceStore } from '../ports/store.js';
import { syncInstances } from './sync-instances.js';

/** The database file inside a state directory. */
const STATE_DB_FILE = 'state.db';

export interface StandaloneOptions {
  listen: ListenAddress;
  instancesFile: string;
  /** Kept after the server stops. Absent: a fresh temporary directory, removed on stop. */
  stateDir: string | undefined;
  clock: Clock;
  /** Fault rules applied from the start (`--faults FILE`, checked by loadFaultsFile); `faultsFile` names them in errors. */
  faults?: { specs: readonly FaultRuleSpec[]; file: string };
  /** Every event the server publishes (metadata.request, notice, fault.added, cloud.event.*): the caller prints them. */
  onEvent: (event: MinicloudEvent) => void;
}

export interface StandaloneServer {
  /** The bound address (the real port when 0 was asked for). */
  address: ListenAddress;
  url: string;
  instanceCount: number;
  /** The fault rules it started with. */
  faults: FaultRuleView[];
  stateDir: string;
  /** Stops accepting, waits for in-flight requests, flushes the request log, closes the store. Idempotent. */
  stop(): Promise<void>;
}

/**
 * `minicloud metadata serve` without the CLI around it: loads the instances file into a SQLite store
 * in the state directory, builds the metadata app and listens. Listen failures become coded errors
 * (MC_ERR_LISTEN_*) and leave nothing open behind them.
 */
export async function startStandaloneServer(opts: StandaloneOptions): Promise<StandaloneServer> {
  const records = loadInstancesFile(opts.instancesFile, opts.clock.now());
  const isTemporary = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'minicloud-metadata-'));
  let store: SqliteStore | undefined;
  const cleanup = () => {
    store?.close();
    if (isTemporary) rmSync(stateDir, { recursive: true, force: true });
  };
  const bus = new EventBus({ historySize: 100 });
  const unsubscribe = bus.subscribe(opts.onEvent);
  try {
    mkdirSync(stateDir, { recursive: true });
    store = openSqliteStore({
      path: join(stateDir, STATE_DB_FILE),
      now: () => opts.clock.now(),
      requestLog: {
        onFlushError: (err) =>
          bus.publish({ type: 'notice', at: opts.clock.now(), level: 'error', message: `request log not written yet (will retry): ${String(err)}` }),
      },
    });
    syncInstances(store.instances, records);
    // The file's cloud events (docs/events.md) play by the clock; with no guests, their action times only say so.
    const instances = store.instances;
    const noController = (record: InstanceRecord, event: CloudEvent): void => recordNoController({ instances, bus, clock: opts.clock }, record, event);
    const ticker = new CloudEventTicker({ instances, bus, clock: opts.clock, onDue: noController });
    const faults = new FaultBook({ now: () => opts.clock.now(), seed: () => randomInt(MAX_SEED), clouds: CLOUD_NAMES, publish: (e) => bus.publish(e) });
    const faultViews = opts.faults ? faults.addAll(opts.faults.specs, (i) => `${opts.faults?.file ?? ''}: faults[${i}]`) : [];
    const app = buildMetadataApp({
      faults,
      clouds: CLOUD_METADATA,
      instances: store.instances,
      requestLog: store.requestLog,
      bus,
      clock: opts.clock,
      tokenSecret: store.cloud.tokenSecret(),
    });
    try {
      await app.listen({ host: opts.listen.host, port: opts.listen.port });
    } catch (err) {
      await app.close();
      throw listenError(err, opts.listen);
    }
    const startedAt = opts.clock.now();
    for (const record of instances.listInstances()) {
      for (const event of record.cloudEvents) bus.publish({ type: 'cloud.event.scheduled', at: startedAt, instanceId: record.id, event: cloudEventView(event, record, startedAt) });
    }
    // An action time already past (`in: 0s`) is reported now: the ticker only reports what changes while it runs.
    for (const record of instances.listInstances()) for (const event of dueEvents(record.cloudEvents, startedAt)) noController(record, event);
    ticker.start();
    const bound = app.server.address() as AddressInfo;
    const address = { host: opts.listen.host, port: bound.port };
    let stopping: Promise<void> | undefined;
    const openStore = store;
    return {
      address,
      url: httpUrl(address),
      instanceCount: records.length,
      faults: faultViews,
      stateDir,
      stop: () =>
        (stopping ??= (async () => {
          try {
            ticker.stop();
            await app.close();
          } finally {
            unsubscribe();
            openStore.close();
            if (isTemporary) rmSync(stateDir, { recursive: true, force: true });
          }
        })()),
    };
  } catch (err) {
    unsubscribe();
    cleanup();
    throw err;
  }
}

/**
 * An event's action time came and no controller runs a guest to act on (`metadata serve`): the record
 * says so (`no-controller`, so the event's status is `fired`, as after a controller acted) and the event
 * stream reports it. What the guest reads does not change: a spot notice stays, a maintenance event
 * stays scheduled until its window ends.
 */
function recordNoController(deps: { instances: InstanceStore; bus: EventBus; clock: Clock }, record: InstanceRecord, event: CloudEvent): void {
  if (event.kind === 'rebalance') return;
  const now = deps.clock.now();
  const current = deps.instances.getInstance(record.id) ?? record;
  const next = { ...current, cloudEvents: withEventFired(current.cloudEvents, event.id, { at: now, outcome: 'no-controller', detail: null }) };
  deps.instances.updateInstance(next);
  const fired = next.cloudEvents.find((e) => e.id === event.id) ?? event;
  deps.bus.publish({ type: 'cloud.event.fired', at: now, instanceId: record.id, event: cloudEventView(fired, next, now), outcome: 'no-controller', lateMs: now - (actionTime(event) ?? now) });
}

function listenError(err: unknown, listen: ListenAddress): unknown {
  const text = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  switch (code) {
    case 'EADDRINUSE':
      return errors.listenAddressInUse(text).causedBy(err);
    case 'EACCES':
    case 'EPERM':
      return errors.listenPermissionDenied(text, listen.port).causedBy(err);
    case 'EADDRNOTAVAIL':
      return errors.listenAddressUnavailable(text, 'no interface of this host has that address').causedBy(err);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return errors.listenAddressUnavailable(text, `the host name ${listen.host} does not resolve`).causedBy(err);
    default:
      return err;
  }
}
