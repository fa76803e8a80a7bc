import { Text } from 'ink';
import type { CloudEventView } from '../../domain/cloud-event.js';
import { eventsOf } from '../cloud-event-cells.js';
import type { MetadataRequestRecord } from '../../domain/metadata-request.js';
import type { FaultEntry, FollowedConsole, InstanceView } from '../dashboard-state.js';
import { faultRows, MAX_FAULT_PANE_LINES } from '../fault-rows.js';
import type { FrameLayout } from '../layout.js';
import type { UiState } from '../ui-state.js';
import { ConsoleLines } from './console-lines.js';
import { FaultsPane } from './faults-pane.js';
import { HelpOverlay } from './help-overlay.js';
import { InstanceDetail } from './instance-detail.js';
import { InstancesPane } from './instances-pane.js';
import { RequestsPane } from './requests-pane.js';

export interface DashboardBodyProps {
  ui: UiState;
  layout: FrameLayout;
  /** Listed instances, in display order. */
  instances: readonly InstanceView[];
  selected: InstanceView | undefined;
  /** Filtered requests, oldest first. */
  requests: readonly MetadataRequestRecord[];
  followed: FollowedConsole | null;
  /** Fault rules by id (docs/faults.md); the dashboard lists them above the requests while there are any. */
  faults: ReadonlyMap<string, FaultEntry>;
  originOf: (request: MetadataRequestRecord) => string;
  now: number;
  /** The dashboard's cloud events (docs/events.md). */
  cloudEvents: ReadonlyMap<string, CloudEventView>;
}

function consoleOf(view: InstanceView, followed: FollowedConsole | null): readonly string[] {
  return followed?.instanceId === view.summary.id ? followed.lines : view.console;
}

/** The part between header and footer, chosen by the view. */
export function DashboardBody(props: DashboardBodyProps) {
  const { ui, layout, selected, now } = props;
  if (ui.isHelpOpen) return <HelpOverlay height={layout.bodyHeight} />;
  if (ui.view === 'metadata') {
    return <RequestsPane title="Metadata log" requests={props.requests} originOf={props.originOf} rows={layout.bodyHeight - 2} width={layout.width} scroll={ui.scroll} />;
  }
  if (ui.view === 'dashboard') {
    // The fault rules take their lines from the requests pane, which keeps at least 2 rows.
    const faultLines = props.faults.size === 0 ? 0 : Math.min(MAX_FAULT_PANE_LINES, props.faults.size + 1, Math.max(0, layout.requestRows - 2));
    return (
      <>
        <InstancesPane instances={props.instances} selectedId={selected?.summary.id} rows={layout.instanceRows} width={layout.width} now={now} cloudEvents={props.cloudEvents} />
        {faultLines > 0 ? <FaultsPane rows={faultRows(props.faults, now)} height={faultLines} width={layout.width} /> : null}
        <RequestsPane title="Metadata requests" requests={props.requests} originOf={props.originOf} rows={layout.requestRows - faultLines} width={layout.width} />
      </>
    );
  }
  if (selected === undefined) return <Text dimColor>The instance is gone (esc: back).</Text>;
  if (ui.view === 'console') {
    const title = `Console of ${selected.summary.name} (${selected.summary.id})`;
    return <ConsoleLines title={title} lines={consoleOf(selected, props.followed)} rows={layout.bodyHeight - 1} width={layout.width} scroll={ui.scroll} />;
  }
  return (
    <InstanceDetail
      view={selected}
      consoleLines={consoleOf(selected, props.followed)}
      originOf={props.originOf}
      width={layout.width}
      consoleRows={layout.detailConsoleRows}
      requestRows={layout.detailRequestRows}
      now={now}
      cloudEvents={eventsOf(props.cloudEvents, selected.summary.id)}
    />
  );
}
