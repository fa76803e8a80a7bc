import { describeFault } from '../../core/describe-fault.js';
import { cloudEventNewsText } from '../../core/cloud-event-text.js';
import { formatDuration } from '../../core/units.js';
import type { InstanceSummary, MinicloudEvent } from '../../domain/events.js';

/**
 * Plain-text renderings shared by the commands. Pure. Tables follow Multipass's conventions: upper-case
 * headers, `--` for an empty cell, running instances first.
 */

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const stateOrder: Record<InstanceSummary['state'], number> = { running: 0, starting: 1, defined: 2, stopping: 3, stopped: 4, error: 5 };

export function instanceTable(instances: InstanceSummary[], now: number): string {
  const sorted = [...instances].sort((a, b) => stateOrder[a.state] - stateOrder[b.state] || a.createdAt - b.createdAt);
  return table(
    ['NAME', 'ID', 'STATE', 'STAGE', 'IPV4', 'IMAGE', 'DATASOURCE', 'AGE'],
    sorted.map((i) => [i.name, i.id, i.state, i.stage, i.ip || '--', i.image, i.datasource, formatAge(now - i.createdAt)]),
  );
}

function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function time(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

/** One line per event, for `up` and `events` without --json. */
export function eventLine(e: MinicloudEvent): string {
  const t = time(e.at);
  switch (e.type) {
    case 'cloud.status':
      return `${t}  cloud ${e.status}${e.detail ? `: ${e.detail}` : ''}`;
    case 'notice':
      return `${t}  ${e.level}: ${e.message}${e.code ? ` [${e.code}]` : ''}`;
    case 'instance.added':
      return `${t}  ${e.instance.name} (${e.instance.id}) added: ${e.instance.image}, ${e.instance.ip}, ${e.instance.datasource}`;
    case 'instance.updated':
      return `${t}  ${e.instance.name} ${e.instance.state}, stage ${e.instance.stage}`;
    case 'instance.stage':
      return `${t}  ${e.instanceId} reached ${e.stage} after ${formatDuration(e.elapsedMs)}`;
    case 'instance.error':
      return `${t}  ${e.instanceId} error: ${e.message} [${e.code}]${e.hint ? `\n    hint: ${e.hint}` : ''}`;
    case 'instance.removed':
      return `${t}  ${e.instanceId} removed`;
    case 'instance.console':
      return `${t}  ${e.instanceId} | ${e.line}`;
    case 'instance.reported':
      return `${t}  ${e.instanceId} reported ${e.state}${e.detail === null ? '' : `: ${e.detail}`}`;
    case 'metadata.request':
      return `${t}  ${e.request.instanceId ?? e.request.sourceIp} ${e.request.method} ${e.request.path} ${e.request.status}${e.request.fault === null ? '' : ` fault ${e.request.fault}`}`;
    case 'metadata.requests.skipped':
      return `${t}  ${e.instanceId ?? e.sourceIp} ${e.count} more requests (${e.errorCount} 4xx/5xx) not listed`;
    case 'dhcp.lease':
      return `${t}  lease ${e.ip} → ${e.mac}${e.hostname ? ` (${e.hostname})` : ''}`;
    case 'service.restarted':
      return `${t}  ${e.service} restarted: ${e.reason}`;
    case 'fault.added':
      return `${t}  fault ${e.rule.id} added: ${describeFault(e.rule)}`;
    case 'fault.removed':
      return `${t}  fault ${e.id} removed`;
    case 'instance.metadata':
      return `${t}  ${e.instanceId} metadata changed: ${[...e.keys.map((k) => `meta ${k}`), ...(e.userData ? ['user-data'] : [])].join(', ')}`;
    case 'cloud.event.scheduled':
    case 'cloud.event.notice':
    case 'cloud.event.fired':
    case 'cloud.event.completed':
    case 'cloud.event.canceled':
      return `${t}  ${cloudEventNewsText(e)}`;
  }
}
