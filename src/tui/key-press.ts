import type { Key } from 'ink';

/** A key press, independent of Ink, so the UI reducer is testable without a terminal. */
export type KeyPress =
  | { kind: 'char'; char: string }
  | { kind: 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'enter' | 'escape' | 'backspace' | 'ctrlC' };

/** Maps Ink's `useInput` arguments to a KeyPress; null for keys the TUI ignores. */
export function toKeyPress(input: string, key: Key): KeyPress | null {
  if (key.ctrl && input === 'c') return { kind: 'ctrlC' };
  if (key.upArrow) return { kind: 'up' };
  if (key.downArrow) return { kind: 'down' };
  if (key.pageUp) return { kind: 'pageUp' };
  if (key.pageDown) return { kind: 'pageDown' };
  if (key.home) return { kind: 'home' };
  if (key.end) return { kind: 'end' };
  if (key.return) return { kind: 'enter' };
  if (key.escape) return { kind: 'escape' };
  if (key.backspace || key.delete) return { kind: 'backspace' };
  if (key.ctrl || key.meta || input === '') return null;
  return { kind: 'char', char: input };
}
