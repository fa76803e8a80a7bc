import { Box, Text } from 'ink';

const KEYS: readonly [string, string][] = [
  ['↑ ↓  j k', 'move (scroll in the console and metadata log)'],
  ['enter', 'instance detail'],
  ['esc', 'back; clears the filter on the dashboard'],
  ['l', 'console of the selected instance (follows)'],
  ['m', 'metadata request log, all instances'],
  ['/', 'filter instances and requests'],
  ['r', 'run an instance (asks for image and options)'],
  ['d', 'delete the selected instance (asks first)'],
  ['s', 'ssh into the selected instance (subshell)'],
  ['q', 'quit: stop the cloud or leave it running'],
  ['?', 'this help'],
];

/** The key list; any key closes it. */
export function HelpOverlay(props: { height: number }) {
  return (
    <Box flexDirection="column" height={props.height} overflow="hidden">
      <Text bold>Keys (any key closes this)</Text>
      {KEYS.map(([key, what]) => (
        <Text key={key} wrap="truncate">
          <Text color="cyan">{key.padEnd(10)}</Text> {what}
        </Text>
      ))}
      <Text dimColor wrap="truncate">404s (yellow) show what a guest probed and did not find; 401s (magenta) a refused IMDSv2 token.</Text>
    </Box>
  );
}
