import { describeCloudEvent } from '../../core/cloud-event-text.js';
import type { CloudEventView } from '../../domain/cloud-event.js';
import type { EventMaintenanceOptions, EventSpotOptions } from '../command-flags.js';
import { cliCloud, out } from './cli-context.js';
import { cloudEventTable } from './cloud-event-table.js';

/** One line for an event made or canceled: its id (for `event cancel`), the instance, what and when. */
function printEvent(view: CloudEventView, json: boolean | undefined): void {
  out(json ? JSON.stringify(view, null, 2) : `${view.id} ${view.instanceName}: ${describeCloudEvent(view)} [${view.status}]`);
}

/** `minicloud event spot ID [--in 2m] [--action terminate|stop|hibernate] [--no-act]`. */
export async function runEventSpot(ref: string, opts: EventSpotOptions): Promise<void> {
  printEvent(await cliCloud().client.spotEvent(ref, { action: opts.action, inMs: opts.in, act: opts.act }), opts.json);
}

/** `minicloud event maintenance ID --at TIME [--duration 2h] [--code …] [--no-act]`. */
export async function runEventMaintenance(ref: string, opts: EventMaintenanceOptions): Promise<void> {
  const at = 'notBefore' in opts.at ? { notBefore: opts.at.notBefore } : { inMs: opts.at.inMs };
  printEvent(await cliCloud().client.maintenanceEvent(ref, { ...at, durationMs: opts.duration, code: opts.code, act: opts.act }), opts.json);
}

/** `minicloud event rebalance ID`. */
export async function runEventRebalance(ref: string, opts: { json?: boolean }): Promise<void> {
  printEvent(await cliCloud().client.rebalanceEvent(ref), opts.json);
}

/** `minicloud event ls [--json]`. */
export async function runEventLs(opts: { json?: boolean }): Promise<void> {
  const events = await cliCloud().client.cloudEvents();
  if (opts.json) out(JSON.stringify(events, null, 2));
  else if (events.length === 0) out('No cloud events. Make one with `minicloud event spot NAME`.');
  else out(cloudEventTable(events, Date.now()));
}

/** `minicloud event cancel EVENT-ID`. */
export async function runEventCancel(id: string, opts: { json?: boolean }): Promise<void> {
  printEvent(await cliCloud().client.cancelCloudEvent(id), opts.json);
}
