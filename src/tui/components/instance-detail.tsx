import { Box, Text } from 'ink';
import type { CloudEventView } from '../../domain/cloud-event.js';
import type { MetadataRequestRecord } from '../../domain/metadata-request.js';
import { eventsLine } from '../cloud-event-cells.js';
import { errorCountOf, type InstanceView } from '../dashboard-state.js';
import { fit, fitPath, formatAge, formatClock, formatDuration } from '../format.js';
import { ConsoleLines } from './console-lines.js';
import { RequestsPane } from './requests-pane.js';
import { statusColor, instanceStateColor } from './status-colors.js';

export interface InstanceDetailProps {
  view: InstanceView;
  consoleLines: readonly string[];
  originOf: (request: MetadataRequestRecord) => string;
  width: number;
  consoleRows: number;
  requestRows: number;
  now: number;
  /** The instance's cloud events: one more line (from the console's rows) while it has any. */
  cloudEvents: readonly CloudEventView[];
}

/** Stage rows: the stage, when it was reached, and how long the step into it took. */
function StageTimeline(props: { view: InstanceView; width: number; now: number }) {
  const stages = props.view.stages;
  return (
    <Box flexDirection="column" width={props.width} height={8} overflow="hidden">
      <Text bold>Stages</Text>
      {stages.slice(-7).map((mark, index, shown) => {
        const previous = index === 0 ? stages[stages.length - shown.length - 1] : shown[index - 1];
        const took = previous === undefined ? '' : `+${formatDuration(mark.elapsedMs - previous.elapsedMs)}`;
        return (
          <Text key={mark.stage + String(mark.at)} wrap="truncate">
            {fit(mark.stage, 9)} {formatClock(mark.at)} <Text color="cyan">{fit(took, 8, true)}</Text>
          </Text>
        );
      })}
    </Box>
  );
}

function ServedBlock(props: { view: InstanceView; width: number }) {
  const served = props.view.served;
  return (
    <Box flexDirection="column" width={props.width} height={8} overflow="hidden">
      <Text bold wrap="truncate">
        Metadata served: {served.requests} req, {served.bytes} B, <Text color={served.failures > 0 ? 'yellow' : undefined}>{served.failures} 4xx/5xx</Text>
      </Text>
      {served.paths.slice(-7).map((p) => (
        <Text key={p.path} wrap="truncate">
          <Text color={statusColor(p.status)}>{p.status}</Text> {fitPath(p.path, props.width - 4)}
        </Text>
      ))}
    </Box>
  );
}

/** One instance: identity, last error, stage timeline, what it was served, its console and its requests. */
export function InstanceDetail(props: InstanceDetailProps) {
  const s = props.view.summary;
  const lastError = props.view.errors[props.view.errors.length - 1];
  const half = Math.floor(props.width / 2);
  const info = ` ${s.id}  ${s.ip}  ${s.mac}  ${s.image}  ${s.datasource}  ${s.accelerator ?? '-'}  age ${formatAge(props.now, s.createdAt)}  errors ${errorCountOf(props.view)}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color={instanceStateColor(s.state)}>{s.name}</Text> <Text>[{s.state}]</Text>
        {info}
      </Text>
      {lastError === undefined ? (
        <Text dimColor wrap="truncate">no errors</Text>
      ) : (
        <Text color="red" wrap="truncate">
          {lastError.code}: {lastError.message}{lastError.hint === undefined ? '' : ` (${lastError.hint})`}
        </Text>
      )}
      {props.cloudEvents.length === 0 ? null : (
        <Text color="yellow" wrap="truncate">
          {eventsLine(props.cloudEvents, props.now)}
        </Text>
      )}
      <Box flexDirection="row">
        <StageTimeline view={props.view} width={half} now={props.now} />
        <ServedBlock view={props.view} width={props.width - half} />
      </Box>
      <ConsoleLines title="Console (l: full screen)" lines={props.consoleLines} rows={Math.max(1, props.consoleRows - (props.cloudEvents.length === 0 ? 0 : 1))} width={props.width} />
      <RequestsPane title="Its metadata requests" requests={props.view.requests} originOf={props.originOf} rows={props.requestRows} width={props.width} />
    </Box>
  );
}
