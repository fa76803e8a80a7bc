import { Box, Text } from 'ink';
import { fit } from '../format.js';

export interface ConsoleLinesProps {
  title: string;
  lines: readonly string[];
  /** Rows for lines (the title comes on top). */
  rows: number;
  width: number;
  /** Lines scrolled up from the newest; 0 follows. */
  scroll?: number;
}

/** A console tail of fixed height: the newest lines at the bottom unless scrolled. */
export function ConsoleLines(props: ConsoleLinesProps) {
  const scroll = Math.min(props.scroll ?? 0, Math.max(0, props.lines.length - props.rows));
  const end = props.lines.length - scroll;
  const shown = props.lines.slice(Math.max(0, end - props.rows), end);
  const position = scroll > 0 ? `  (scrolled ${scroll} up, end to follow)` : '';
  return (
    <Box flexDirection="column" height={props.rows + 1} overflow="hidden">
      <Text bold wrap="truncate">{fit(props.title + position, props.width)}</Text>
      {shown.length === 0 ? <Text dimColor>  no console output yet</Text> : null}
      {shown.map((line, index) => (
        <Text key={index} wrap="truncate">{fit(line, props.width)}</Text>
      ))}
    </Box>
  );
}
