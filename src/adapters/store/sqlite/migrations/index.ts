import { migration0001Initial } from './0001-initial.js';
import { migration0002Controller } from './0002-controller.js';
import { migration0003RequestLogRowid } from './0003-request-log-rowid.js';
import { migration0004RequestLogFault } from './0004-request-log-fault.js';
import { migration0005InstanceCloudEvents } from './0005-instance-cloud-events.js';
import type { Migration } from './migration.js';

/** Every migration, in order. Append only; `id` must equal the position + 1 (checked by a unit test). */
export const migrations: readonly Migration[] = [migration0001Initial, migration0002Controller, migration0003RequestLogRowid, migration0004RequestLogFault, migration0005InstanceCloudEvents];
