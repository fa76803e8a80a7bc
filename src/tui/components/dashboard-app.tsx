import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { MetadataRequestRecord } from '../../domain/metadata-request.js';
import type { DashboardActions, FollowConsole } from '../dashboard-actions.js';
import type { DashboardStore } from '../dashboard-store.js';
import { toKeyPresses } from '../key-press.js';
import { frameLayout } from '../layout.js';
import { requestOrigin, selectedInstance, visibleInstances, visibleRequests } from '../select-rows.js';
import { initialUiState, reduceUi, type UiAction, type UiEffect } from '../ui-state.js';
import { useNow } from '../use-now.js';
import { useTerminalSize } from '../use-terminal-size.js';
import { DashboardBody } from './dashboard-body.js';
import { FooterBar } from './footer-bar.js';
import { HeaderBar } from './header-bar.js';

export interface DashboardAppProps {
  store: DashboardStore;
  actions: DashboardActions;
  followConsole?: FollowConsole;
  /** The user chose how to quit; the caller unmounts and hands `mode` to `actions.quit`. */
  onQuit: (mode: 'stop' | 'detach') => void;
  /** Give the terminal to a subshell (leave the alternate screen) and take it back. */
  terminal?: { release(): void; reclaim(): void };
  now?: () => number;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The container: reads the store, the terminal size and the keys, and hands effects to the
 * actions. Everything it shows comes from pure selectors and prop-only components.
 */
export function DashboardApp(props: DashboardAppProps) {
  const { store, actions, followConsole, onQuit, terminal } = props;
  const now = props.now ?? Date.now;
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const size = useTerminalSize();
  const layout = frameLayout(size.columns, size.rows);
  const [ui, setUi] = useState(initialUiState);
  const uiRef = useRef(ui);
  const { exit } = useApp();

  const instances = useMemo(() => visibleInstances(state, ui.filter), [state, ui.filter]);
  const selected = selectedInstance(instances, ui.selectedId);
  const isBooting = instances.some((v) => v.summary.stage !== 'ready' && (v.summary.state === 'starting' || v.summary.state === 'running'));
  // The spinner and ages redraw too: at most 4 times a second, and no faster than event frames.
  const clock = useNow(now, Math.max(isBooting ? 250 : 1000, store.frameInterval()));

  // The reducer's context is computed from the LATEST store snapshot and UI state, never from this
  // render's closure: keys can arrive before React re-renders (one pasted chunk, or a key right after
  // a frame was drawn but before the effects re-subscribed the input handler), and each must see
  // what the keys before it left (e.g. a filter just cleared), not the list of the last frame.
  const bodyHeightRef = useRef(layout.bodyHeight);
  bodyHeightRef.current = layout.bodyHeight;
  const dispatch = useCallback((action: UiAction): UiEffect | null => {
    const listed = visibleInstances(store.getSnapshot(), uiRef.current.filter);
    const context = {
      instances: listed.map((v) => ({ id: v.summary.id, name: v.summary.name })),
      pageSize: Math.max(1, bodyHeightRef.current - 3),
    };
    const result = reduceUi(uiRef.current, action, context);
    uiRef.current = result.ui;
    setUi(result.ui);
    return result.effect;
  }, [store]);

  const perform = useCallback((effect: UiEffect): void => {
    const report = (what: string) => (err: unknown) => dispatch({ type: 'flash', level: 'error', message: `${what} failed: ${describe(err)}` });
    switch (effect.type) {
      case 'run':
        dispatch({ type: 'flash', level: 'info', message: `launching ${effect.image} ${effect.flags.join(' ')}` });
        actions.runInstance(effect.image, effect.flags).catch(report(`run ${effect.image}`));
        return;
      case 'delete':
        dispatch({ type: 'flash', level: 'info', message: `deleting ${effect.instanceId}` });
        actions.deleteInstance(effect.instanceId).catch(report(`delete ${effect.instanceId}`));
        return;
      case 'ssh':
        return; // started by the effect below, once Ink has released the terminal
      case 'quit':
        onQuit(effect.mode);
        exit();
        return;
    }
  }, [actions, dispatch, exit, onQuit]);

  useInput((input, key) => {
    for (const press of toKeyPresses(input, key)) {
      const effect = dispatch({ type: 'key', key: press });
      if (effect !== null) perform(effect);
    }
  }, { isActive: ui.sshFor === null });

  // Runs after useInput's effect has turned raw mode off, so ssh gets a cooked terminal.
  const sshFor = ui.sshFor;
  useEffect(() => {
    if (sshFor === null) return;
    store.setPaused(true);
    terminal?.release();
    const finish = (): void => {
      terminal?.reclaim();
      dispatch({ type: 'ssh.ended' });
      store.setPaused(false);
    };
    actions.ssh(sshFor).then(finish, (err: unknown) => {
      finish();
      dispatch({ type: 'flash', level: 'error', message: `ssh ${sshFor} failed: ${describe(err)}` });
    });
  }, [sshFor]); // Only sshFor: one session per key press, not one per re-render.

  const followedId = (ui.view === 'console' || ui.view === 'detail') && followConsole !== undefined ? selected?.summary.id : undefined;
  useEffect(() => {
    if (followedId === undefined || followConsole === undefined) return;
    store.push({ type: 'tui.console.follow', instanceId: followedId });
    return followConsole(followedId, (line) => store.push({ type: 'tui.console.line', instanceId: followedId, line }));
  }, [followedId, followConsole, store]);

  if (sshFor !== null) return <Text>ssh session to {sshFor}; the dashboard comes back when it ends.</Text>;

  const originOf = (request: MetadataRequestRecord): string => requestOrigin(state, request);
  return (
    <Box flexDirection="column" width={layout.width}>
      <HeaderBar
        cloud={state.cloud}
        instanceCount={Object.keys(state.instances).length}
        runningCount={Object.values(state.instances).filter((v) => v.summary.state === 'running').length}
        requestCount={state.requestCount}
        filter={ui.filter}
        width={layout.width}
      />
      <Box flexDirection="column" height={layout.bodyHeight} overflow="hidden">
        <DashboardBody
          ui={ui}
          layout={layout}
          instances={instances}
          selected={selected}
          requests={visibleRequests(state, state.requests, ui.filter)}
          followed={state.followed}
          faults={state.faults}
          originOf={originOf}
          now={clock}
          cloudEvents={state.cloudEvents}
        />
      </Box>
      <FooterBar prompt={ui.prompt} flash={ui.flash} notice={state.notices[state.notices.length - 1]} view={ui.view} width={layout.width} now={clock} />
    </Box>
  );
}
