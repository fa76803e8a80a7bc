/**
 * What the TUI asks of its caller (the controller). The TUI never launches, deletes or spawns
 * anything itself. A rejected promise is shown in the footer; it does not stop the TUI.
 */
export interface DashboardActions {
  /** Launch IMAGE (a path or a `make images` name) with `minicloud run` flags, e.g. ['--name', 'web', '--count', '2']. */
  runInstance(image: string, flags: readonly string[]): Promise<void>;
  /** Stop and remove the instance. */
  deleteInstance(id: string): Promise<void>;
  /**
   * Run an interactive ssh session into the instance, with the terminal inherited
   * (`spawn('ssh', args, { stdio: 'inherit' })`), resolving when it exits. It is called after the
   * TUI has released the terminal (raw mode off, screen cleared) and the TUI redraws afterwards.
   * MUST NOT block the event loop (no spawnSync): the metadata server shares it.
   */
  ssh(id: string): Promise<void>;
  /**
   * The user quit: `stop` brings the cloud down, `detach` leaves it running in the background.
   * Called after the TUI has unmounted and given the terminal back.
   */
  quit(mode: 'stop' | 'detach'): Promise<void> | void;
}

/**
 * Follows one instance's console: calls `onLine` with the last lines it has, then each new line,
 * until the returned function is called. Optional: without it the console view shows the lines
 * that came as `instance.console` events.
 */
export type FollowConsole = (instanceId: string, onLine: (line: string) => void) => () => void;
