import { Text } from 'ink';
import type { DashboardState } from '../dashboard-state.js';
import { fit } from '../format.js';

export interface HeaderBarProps {
  cloud: DashboardState['cloud'];
  instanceCount: number;
  runningCount: number;
  requestCount: number;
  filter: string;
  width: number;
}

/** One line: the cloud's status, counts, the active filter and where help is. */
export function HeaderBar(props: HeaderBarProps) {
  const status = props.cloud?.status ?? 'connecting';
  const color = status === 'up' ? 'green' : status === 'down' ? 'red' : 'yellow';
  const counts = ` ${props.instanceCount} instances (${props.runningCount} running)  ${props.requestCount} metadata requests`;
  const filter = props.filter === '' ? '' : `  filter: ${props.filter}`;
  const help = '  ? help';
  const fixed = 10 + status.length;
  const rest = fit(counts + filter, Math.max(0, props.width - fixed - help.length));
  return (
    <Text wrap="truncate">
      <Text bold>minicloud </Text>
      <Text color={color}>{status}</Text>
      {rest}
      <Text dimColor>{help}</Text>
    </Text>
  );
}
