// Deliberately free of Ink and React: `up` asks this before deciding to load the TUI at all.

/** True when a TUI can run: both ends are terminals (else print plain event lines instead). */
export function canRenderDashboard(stdin: NodeJS.ReadStream = process.stdin, stdout: NodeJS.WriteStream = process.stdout): boolean {
  return stdin.isTTY === true && stdout.isTTY === true;
}

/**
 * Call before the first import of Ink when the dashboard will draw on a real terminal.
 * Ink reads CI / CONTINUOUS_INTEGRATION once, when it is loaded, and if either is set it draws only
 * the final frame at exit (its "CI mode"). A terminal in front of us is interactive whatever those
 * say (a developer's shell inside a CI-like environment, tmux in a CI job), so they are set to
 * 'false', the value Ink's check treats as unset. Child processes inherit the change, harmlessly.
 */
export function claimInteractiveTerminal(env: NodeJS.ProcessEnv = process.env): void {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in env) env[key] = 'false';
}
