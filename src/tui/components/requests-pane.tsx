import { Box, Text } from 'ink';
import type { MetadataRequestRecord } from '../../domain/metadata-request.js';
import { fit, fitPath, formatClock, formatDuration } from '../format.js';
import { fitColumns, type ColumnSpec } from '../layout.js';
import { statusColor } from './status-colors.js';

type Key = 'time' | 'origin' | 'method' | 'path' | 'status' | 'fault' | 'latency' | 'agent';

const COLUMNS: readonly ColumnSpec<Key>[] = [
  { key: 'time', title: 'TIME', width: 8, priority: 1 },
  { key: 'origin', title: 'INSTANCE', width: 10, priority: 2 },
  { key: 'method', title: 'METH', width: 4, priority: 3 },
  { key: 'path', title: 'PATH', width: 20, priority: 1, flex: 4 },
  { key: 'status', title: 'STA', width: 3, priority: 1, alignRight: true },
  // Only while a shown request was shaped by a fault rule (docs/faults.md): the rule's id.
  { key: 'fault', title: 'FAULT', width: 5, priority: 1 },
  { key: 'latency', title: 'TOOK', width: 5, priority: 3, alignRight: true },
  { key: 'agent', title: 'USER AGENT', width: 12, priority: 4, flex: 1 },
];

export interface RequestsPaneProps {
  title: string;
  /** Oldest first; the newest are shown at the bottom. */
  requests: readonly MetadataRequestRecord[];
  /** Display name of the instance a request came from. */
  originOf: (request: MetadataRequestRecord) => string;
  /** Rows for requests (the title and column header come on top). */
  rows: number;
  width: number;
  /** Rows scrolled up from the newest; 0 follows the stream. */
  scroll?: number;
}

function cellText(key: Key, r: MetadataRequestRecord, originOf: RequestsPaneProps['originOf']): string {
  switch (key) {
    case 'time': return formatClock(r.time);
    case 'origin': return originOf(r);
    case 'method': return r.method;
    case 'path': return r.path;
    // 0: a fault rule sent no answer (reset, or a hang that ended).
    case 'status': return r.status === 0 ? '---' : String(r.status);
    case 'fault': return r.fault ?? '';
    case 'latency': return formatDuration(r.latencyMs);
    case 'agent': return r.userAgent ?? '-';
  }
}

/**
 * The live request stream: fixed height, 404s yellow, 401/403 magenta, 5xx red. An answer a fault
 * rule shaped is marked: a FAULT column with the rule's id, in inverse magenta.
 */
export function RequestsPane(props: RequestsPaneProps) {
  const scroll = Math.min(props.scroll ?? 0, Math.max(0, props.requests.length - props.rows));
  const end = props.requests.length - scroll;
  const shown = props.requests.slice(Math.max(0, end - props.rows), end);
  const hasFaults = shown.some((r) => r.fault !== null);
  const columns = fitColumns(hasFaults ? COLUMNS : COLUMNS.filter((c) => c.key !== 'fault'), props.width);
  const header = columns.map((c) => fit(c.title, c.width, c.alignRight)).join(' ');
  const position = scroll > 0 ? `  (scrolled ${scroll} up, end to follow)` : '';
  return (
    <Box flexDirection="column" height={props.rows + 2} overflow="hidden">
      <Text bold wrap="truncate">{fit(`${props.title} (${props.requests.length})${position}`, props.width)}</Text>
      <Text dimColor wrap="truncate">{header}</Text>
      {shown.length === 0 ? <Text dimColor>  no metadata requests yet</Text> : null}
      {shown.map((r, index) => (
        <Text key={`${r.time}-${index}`} wrap="truncate">
          {columns.map((c, i) => (
            <Text key={c.key} inverse={c.key === 'fault' && r.fault !== null} color={c.key === 'fault' ? 'magenta' : c.key === 'status' || (c.key === 'path' && (r.status >= 400 || r.status === 0)) ? statusColor(r.status) : undefined}>
              {(i === 0 ? '' : ' ') + (c.key === 'path' ? fitPath(r.path, c.width) : fit(cellText(c.key, r, props.originOf), c.width, c.alignRight))}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
