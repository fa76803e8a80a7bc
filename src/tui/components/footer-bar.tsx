import { Text } from 'ink';
import type { Notice } from '../dashboard-state.js';
import { fit } from '../format.js';
import type { UiState, View } from '../ui-state.js';

export interface FooterBarProps {
  prompt: UiState['prompt'];
  flash: UiState['flash'];
  notice: Notice | undefined;
  view: View;
  width: number;
  now: number;
}

/** How long a warning or error notice replaces the key hints. */
const NOTICE_MS = 15_000;
/** How long an info notice does (`metadata set` changed an instance, a cloud event was made or fired). */
const INFO_NOTICE_MS = 5_000;

const HINTS: Record<View, string> = {
  dashboard: 'enter detail  l console  m metadata  / filter  r run  d delete  s ssh  q quit',
  detail: 'esc back  ↑↓ other instance  l console  m metadata  d delete  s ssh  q quit',
  console: 'esc back  ↑↓ pgup pgdn scroll  end follow',
  metadata: 'esc back  ↑↓ pgup pgdn scroll  end follow  / filter',
};

/** One line: the open prompt, else a flash message, else the latest notice while it is recent, else key hints. */
export function FooterBar(props: FooterBarProps) {
  const { prompt, width } = props;
  if (prompt !== null) {
    switch (prompt.kind) {
      case 'filter':
        return <Text color="cyan" wrap="truncate">{fit(`/${prompt.text}█  (enter keep, esc clear)`, width)}</Text>;
      case 'run':
        return prompt.field === 'image' ? (
          <Text color="cyan" wrap="truncate">{fit(`run image: ${prompt.image}█  (a path or minicirros; enter next, esc cancel)`, width)}</Text>
        ) : (
          <Text color="cyan" wrap="truncate">{fit(`run ${prompt.image} options: ${prompt.options}█  (e.g. --name web --datasource ec2; enter run)`, width)}</Text>
        );
      case 'delete':
        return <Text color="yellow" wrap="truncate">{fit(`delete ${prompt.name} (${prompt.instanceId})? y/N`, width)}</Text>;
      case 'quit':
        return <Text color="yellow" wrap="truncate">{fit('quit: s stop the cloud, d detach (leave it running), esc cancel', width)}</Text>;
    }
  }
  if (props.flash !== null) {
    return <Text color={props.flash.level === 'error' ? 'red' : 'cyan'} wrap="truncate">{fit(props.flash.message, width)}</Text>;
  }
  const notice = props.notice;
  if (notice !== undefined && props.now - notice.at < (notice.level === 'info' ? INFO_NOTICE_MS : NOTICE_MS)) {
    return <Text color={notice.level === 'error' ? 'red' : notice.level === 'warn' ? 'yellow' : undefined} wrap="truncate">{fit(notice.message, width)}</Text>;
  }
  return <Text dimColor wrap="truncate">{fit(HINTS[props.view], width)}</Text>;
}
