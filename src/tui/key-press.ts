import type { Key } from 'ink';

/** A key press, independent of Ink, so the UI reducer is testable without a terminal. */
export type KeyPress =
  | { kind: 'char'; char: string }
  | { kind: 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'enter' | 'escape' | 'backspace' | 'ctrlC' };

/** Maps Ink's `useInput` arguments to a KeyPress; null for keys the TUI ignores. */
function toKeyPress(input: string, key: Key): KeyPress | null {
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

/**
 * Like toKeyPress, for one `useInput` call: Ink hands over a chunk that arrived at once (a paste,
 * `tmux send-keys`, a slow link) as one string, with `key.return` false even when it holds a CR.
 * Such a chunk becomes one press per character (CR is enter, DEL backspace, other controls dropped),
 * so `minicirros⏎` typed in one go fills the prompt and submits it.
 */
export function toKeyPresses(input: string, key: Key): KeyPress[] {
  const isPlainChunk = input.length > 1 && !key.ctrl && !key.meta && !key.escape && !input.startsWith('\u001B');
  if (!isPlainChunk) {
    const press = toKeyPress(input, key);
    return press === null ? [] : [press];
  }
  const presses: KeyPress[] = [];
  for (const char of input) {
    if (char === '\r' || char === '\n') presses.push({ kind: 'enter' });
    else if (char === '\u007F' || char === '\b') presses.push({ kind: 'backspace' });
    else if (char >= ' ') presses.push({ kind: 'char', char });
  }
  return presses;
}
