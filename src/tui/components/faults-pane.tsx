import { Box, Text } from 'ink';
import type { FaultRow } from '../fault-rows.js';
import { fit } from '../format.js';

export interface FaultsPaneProps {
  rows: readonly FaultRow[];
  /** Lines for the pane, its title included. */
  height: number;
  width: number;
}

/**
 * The fault rules (docs/faults.md): id, state, hits and the rule; active ones first in the list's own
 * order, the rest dimmed. Shown above the requests only while there are rules.
 */
export function FaultsPane(props: FaultsPaneProps) {
  const active = props.rows.filter((r) => r.state === 'active' || r.state === '?');
  const listed = [...active, ...props.rows.filter((r) => !active.includes(r))].slice(0, Math.max(0, props.height - 1));
  const more = props.rows.length - listed.length;
  const title = `Fault rules (${active.length} active of ${props.rows.length})${more > 0 ? `, ${more} more: minicloud fault ls` : ''}`;
  return (
    <Box flexDirection="column" height={props.height} overflow="hidden">
      <Text bold color="magenta" wrap="truncate">{fit(title, props.width)}</Text>
      {listed.map((r) => (
        <Text key={r.id} dimColor={r.state !== 'active' && r.state !== '?'} wrap="truncate">
          {fit(`${fit(r.id, 8)} ${fit(r.state, 7)} ${fit(`${r.hits} hit${r.hits === 1 ? '' : 's'}`, 9, true)}  ${r.rule}`, props.width)}
        </Text>
      ))}
    </Box>
  );
}
