import type { InstanceInfo } from '../../core/instance-view.js';
import { formatDuration, formatSize } from '../../core/units.js';
import { isOptionalStage, STAGES } from '../../domain/stages.js';
import { cliCloud, out } from './cli-context.js';
import { table } from './cli-format.js';

export function infoText(i: InstanceInfo, status: { accelerator: string; sshKeyPath: string } | null): string {
  const rows: [string, string][] = [
    ['Name', i.name],
    ['ID', i.id],
    ['UUID', i.uuid],
    ['State', `${i.state}${i.failure ? ` (${i.failure.code})` : ''}`],
    ['Stage', i.stage],
    ['IPv4', i.ip],
    ['MAC', i.mac],
    ['Image', `${i.image} (${i.imagePath})`],
    ['Datasource', `${i.datasource}, IMDSv2 ${i.imdsv2}`],
    ['Accelerator', i.accelerator ?? status?.accelerator ?? '--'],
    ['CPUs', String(i.cpus)],
    ['Memory', formatSize(i.memoryMiB * 2 ** 20)],
    ['Disk', i.diskBytes === null ? 'image size' : formatSize(i.diskBytes)],
    ['User-data', i.userDataBytes === null ? '--' : `${i.userDataBytes} bytes`],
    ['Meta', Object.entries(i.meta).map(([k, v]) => `${k}=${v}`).join(', ') || '--'],
    ['SSH', `minicloud ssh ${i.name}  (user ${i.sshUser})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  const lines = rows.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
  if (i.failure) lines.push(`${'Error:'.padEnd(width)} ${i.failure.message}`, ...(i.failure.hint ? [`${'Hint:'.padEnd(width)} ${i.failure.hint}`] : []));
  lines.push('', table(['STAGE', 'AFTER START', ''], STAGES.filter((s) => s !== 'defined' && (!isOptionalStage(s) || i.stageDurations[s] !== undefined)).map((s) => [s, i.stageDurations[s] === undefined ? '--' : formatDuration(i.stageDurations[s] ?? 0), i.impliedStages.includes(s) ? '(implied)' : ''])));
  return lines.join('\n');
}

export async function runInfo(ref: string, opts: { json?: boolean }): Promise<void> {
  const { client } = cliCloud();
  const info = await client.info(ref);
  if (opts.json) out(JSON.stringify(info, null, 2));
  else out(infoText(info, await client.status()));
}
