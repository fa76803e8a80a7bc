import { Box, Text } from 'ink';
import type { CloudEventView } from '../../domain/cloud-event.js';
import { eventCell, eventsOf } from '../cloud-event-cells.js';
import { errorCountOf, type InstanceView } from '../dashboard-state.js';
import { fit, formatAge, spinnerFrame } from '../format.js';
import { fitColumns, type ColumnSpec } from '../layout.js';
import { instanceStateColor } from './status-colors.js';

type Key = 'stage' | 'name' | 'id' | 'ip' | 'image' | 'ds' | 'accel' | 'age' | 'md' | 'errs' | 'event';

const COLUMNS: readonly ColumnSpec<Key>[] = [
  { key: 'stage', title: 'STAGE', width: 10, priority: 1 },
  { key: 'name', title: 'NAME', width: 8, priority: 1, flex: 1 },
  { key: 'id', title: 'ID', width: 19, priority: 6 },
  { key: 'ip', title: 'IP', width: 14, priority: 2 },
  { key: 'image', title: 'IMAGE', width: 8, priority: 3, flex: 1 },
  { key: 'ds', title: 'DATASRC', width: 9, priority: 4 },
  { key: 'accel', title: 'ACC', width: 3, priority: 5 },
  { key: 'age', title: 'AGE', width: 4, priority: 3, alignRight: true },
  { key: 'md', title: 'LASTMD', width: 6, priority: 3, alignRight: true },
  { key: 'errs', title: 'ERR', width: 3, priority: 2, alignRight: true },
  // Only while the cloud has cloud events (docs/events.md): the countdown, or what the last one did.
  { key: 'event', title: 'EVENT', width: 12, priority: 2 },
];

export interface InstancesPaneProps {
  instances: readonly InstanceView[];
  selectedId: string | undefined;
  /** Rows for instances (the title and column header come on top). */
  rows: number;
  width: number;
  now: number;
  /** The dashboard's cloud events (its EVENT column is shown while there are any). */
  cloudEvents: ReadonlyMap<string, CloudEventView>;
}

function stageText(view: InstanceView, now: number): { text: string; color: string | undefined } {
  const { stage, state } = view.summary;
  if (state === 'error') return { text: `✗ ${stage}`, color: 'red' };
  if (stage === 'ready') return { text: '✓ ready', color: 'green' };
  if (state === 'starting' || state === 'running') return { text: `${spinnerFrame(now)} ${stage}`, color: 'cyan' };
  return { text: `  ${stage}`, color: undefined };
}

function cellText(key: Key, view: InstanceView, now: number): string {
  const s = view.summary;
  switch (key) {
    case 'stage': return stageText(view, now).text;
    case 'name': return s.name;
    case 'id': return s.id;
    case 'ip': return s.ip;
    case 'image': return s.image;
    case 'ds': return s.datasource === 'configdrive' ? 'cfgdrive' : s.datasource;
    case 'accel': return s.accelerator ?? '-';
    case 'age': return formatAge(now, s.createdAt);
    case 'md': return formatAge(now, s.lastMetadataAt);
    case 'errs': return String(errorCountOf(view));
    case 'event': return '-'; // InstancesPane draws it from the cloud events
  }
}

function cellColor(key: Key, view: InstanceView, now: number): string | undefined {
  if (key === 'stage') return stageText(view, now).color;
  if (key === 'errs') return errorCountOf(view) > 0 ? 'red' : undefined;
  if (key === 'name') return instanceStateColor(view.summary.state);
  return undefined;
}

/** The instances table: fixed height, selected row inverse, failures in red. */
export function InstancesPane(props: InstancesPaneProps) {
  const columns = fitColumns(props.cloudEvents.size > 0 ? COLUMNS : COLUMNS.filter((c) => c.key !== 'event'), props.width);
  const selectedIndex = Math.max(0, props.instances.findIndex((v) => v.summary.id === props.selectedId));
  const first = Math.max(0, Math.min(selectedIndex - props.rows + 1, props.instances.length - props.rows));
  const shown = props.instances.slice(first, first + props.rows);
  const header = columns.map((c) => fit(c.title, c.width, c.alignRight)).join(' ');
  return (
    <Box flexDirection="column" height={props.rows + 2} overflow="hidden">
      <Text bold wrap="truncate">{fit(`Instances (${props.instances.length})`, props.width)}</Text>
      <Text dimColor wrap="truncate">{header}</Text>
      {shown.length === 0 ? <Text dimColor>  no instances: press r to run one</Text> : null}
      {shown.map((view) => (
        <Text key={view.summary.id} inverse={view.summary.id === props.selectedId} wrap="truncate">
          {columns.map((c, i) => {
            const event = c.key === 'event' ? eventCell(eventsOf(props.cloudEvents, view.summary.id), props.now) : null;
            return (
              <Text key={c.key} color={event === null ? cellColor(c.key, view, props.now) : event.color}>
                {(i === 0 ? '' : ' ') + fit(event === null ? cellText(c.key, view, props.now) : event.text, c.width, c.alignRight)}
              </Text>
            );
          })}
        </Text>
      ))}
    </Box>
  );
}
