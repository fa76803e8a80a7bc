import type { KeyPress } from './key-press.js';
import { splitArgs } from './split-args.js';

/**
 * The TUI's interaction state and its pure reducer: key presses in, new state and at most one
 * effect out. Components never decide anything; the app only hands effects to the actions.
 */

export type View = 'dashboard' | 'detail' | 'console' | 'metadata';

export type Prompt =
  | { kind: 'filter'; text: string }
  | { kind: 'run'; field: 'image' | 'options'; image: string; options: string }
  | { kind: 'delete'; instanceId: string; name: string }
  | { kind: 'quit' };

export interface UiState {
  view: View;
  /** Where `esc` goes from the console and metadata views. */
  returnTo: 'dashboard' | 'detail';
  /** The instance the cursor is on; null means "the first listed". */
  selectedId: string | null;
  /** Applied to the instances and requests panes. */
  filter: string;
  prompt: Prompt | null;
  isHelpOpen: boolean;
  /** Lines scrolled up from the newest in the console and metadata views; 0 follows the tail. */
  scroll: number;
  /** A one-line message in the footer until the next key. */
  flash: { level: 'info' | 'error'; message: string } | null;
  /** Id of the instance an ssh subshell runs for; the TUI releases the terminal meanwhile. */
  sshFor: string | null;
}

export type UiEffect =
  | { type: 'run'; image: string; flags: string[] }
  | { type: 'delete'; instanceId: string }
  | { type: 'ssh'; instanceId: string }
  | { type: 'quit'; mode: 'stop' | 'detach' };

export type UiAction =
  | { type: 'key'; key: KeyPress }
  | { type: 'flash'; level: 'info' | 'error'; message: string }
  | { type: 'ssh.ended' };

/** What the reducer needs to know about the screen: the listed instances, in order. */
export interface UiContext {
  instances: readonly { id: string; name: string }[];
  /** Lines a page-up/down moves in the scrolling views. */
  pageSize: number;
}

export interface UiResult {
  ui: UiState;
  effect: UiEffect | null;
}

export function initialUiState(): UiState {
  return { view: 'dashboard', returnTo: 'dashboard', selectedId: null, filter: '', prompt: null, isHelpOpen: false, scroll: 0, flash: null, sshFor: null };
}

const none = (ui: UiState): UiResult => ({ ui, effect: null });

function currentId(ui: UiState, ctx: UiContext): { id: string; name: string } | undefined {
  return ctx.instances.find((i) => i.id === ui.selectedId) ?? ctx.instances[0];
}

function moveSelection(ui: UiState, ctx: UiContext, delta: number): UiState {
  if (ctx.instances.length === 0) return ui;
  const current = ctx.instances.findIndex((i) => i.id === ui.selectedId);
  const index = Math.min(ctx.instances.length - 1, Math.max(0, (current < 0 ? 0 : current) + delta));
  return { ...ui, selectedId: ctx.instances[index]?.id ?? null };
}

function reducePrompt(ui: UiState, prompt: Prompt, key: KeyPress): UiResult {
  const close = { ...ui, prompt: null };
  switch (prompt.kind) {
    case 'quit':
      if (key.kind === 'ctrlC') return { ui: close, effect: { type: 'quit', mode: 'stop' } };
      if (key.kind !== 'char') return key.kind === 'escape' ? none(close) : none(ui);
      if (key.char === 's') return { ui: close, effect: { type: 'quit', mode: 'stop' } };
      if (key.char === 'd') return { ui: close, effect: { type: 'quit', mode: 'detach' } };
      return key.char === 'n' || key.char === 'c' ? none(close) : none(ui);
    case 'delete':
      if (key.kind === 'char' && key.char === 'y') return { ui: close, effect: { type: 'delete', instanceId: prompt.instanceId } };
      return none(close);
    case 'filter': {
      if (key.kind === 'escape') return none({ ...close, filter: '' });
      if (key.kind === 'enter') return none(close);
      const text = editText(prompt.text, key);
      return none({ ...ui, prompt: { ...prompt, text }, filter: text, selectedId: null });
    }
    case 'run': {
      if (key.kind === 'escape') return none(close);
      if (key.kind === 'enter' && prompt.field === 'image') {
        if (prompt.image.trim() === '') return none({ ...ui, flash: { level: 'error', message: 'an image is required (a path or a name such as minicirros)' } });
        return none({ ...ui, prompt: { ...prompt, field: 'options' } });
      }
      if (key.kind === 'enter') return { ui: close, effect: { type: 'run', image: prompt.image.trim(), flags: splitArgs(prompt.options) } };
      const field = prompt.field;
      return none({ ...ui, prompt: { ...prompt, [field]: editText(prompt[field], key) } });
    }
    default: {
      const unhandled: never = prompt;
      return unhandled;
    }
  }
}

function editText(text: string, key: KeyPress): string {
  if (key.kind === 'backspace') return text.slice(0, -1);
  return key.kind === 'char' ? text + key.char : text;
}

function reduceScrollingView(ui: UiState, key: KeyPress, ctx: UiContext): UiState | null {
  switch (key.kind) {
    case 'up': return { ...ui, scroll: ui.scroll + 1 };
    case 'down': return { ...ui, scroll: Math.max(0, ui.scroll - 1) };
    case 'pageUp': return { ...ui, scroll: ui.scroll + ctx.pageSize };
    case 'pageDown': return { ...ui, scroll: Math.max(0, ui.scroll - ctx.pageSize) };
    case 'end': return { ...ui, scroll: 0 };
    case 'escape': return { ...ui, view: ui.returnTo, scroll: 0 };
    case 'char':
      if (key.char === 'k') return { ...ui, scroll: ui.scroll + 1 };
      if (key.char === 'j') return { ...ui, scroll: Math.max(0, ui.scroll - 1) };
      return null;
    default: return null;
  }
}

function reduceKey(ui: UiState, key: KeyPress, ctx: UiContext): UiResult {
  if (ui.sshFor !== null) return none(ui);
  if (ui.isHelpOpen) return none({ ...ui, isHelpOpen: false });
  const cleared = ui.flash === null ? ui : { ...ui, flash: null };
  if (cleared.prompt !== null) return reducePrompt(cleared, cleared.prompt, key);
  if (cleared.view === 'console' || cleared.view === 'metadata') {
    const scrolled = reduceScrollingView(cleared, key, ctx);
    if (scrolled !== null) return none(scrolled);
  }
  const selected = currentId(cleared, ctx);
  const needsInstance = (next: UiState | UiResult): UiResult => {
    if (selected !== undefined) return 'ui' in next ? next : none(next);
    return none({ ...cleared, flash: { level: 'info', message: 'no instance selected' } });
  };
  switch (key.kind) {
    case 'up': return none(moveSelection(cleared, ctx, -1));
    case 'down': return none(moveSelection(cleared, ctx, 1));
    case 'pageUp': return none(moveSelection(cleared, ctx, -ctx.pageSize));
    case 'pageDown': return none(moveSelection(cleared, ctx, ctx.pageSize));
    case 'home': return none(moveSelection(cleared, ctx, -ctx.instances.length));
    case 'end': return none(moveSelection(cleared, ctx, ctx.instances.length));
    case 'enter': return needsInstance({ ...cleared, view: 'detail', selectedId: selected?.id ?? null });
    case 'escape':
      if (cleared.view !== 'dashboard') return none({ ...cleared, view: 'dashboard', scroll: 0 });
      return none({ ...cleared, filter: '' });
    case 'ctrlC': return none({ ...cleared, prompt: { kind: 'quit' } });
    case 'backspace': return none(cleared);
    case 'char': break;
    default: {
      const unhandled: never = key;
      return unhandled;
    }
  }
  const returnTo = cleared.view === 'detail' ? 'detail' : 'dashboard';
  switch (key.char) {
    case '?': return none({ ...cleared, isHelpOpen: true });
    case 'k': return none(moveSelection(cleared, ctx, -1));
    case 'j': return none(moveSelection(cleared, ctx, 1));
    case 'l': return needsInstance({ ...cleared, view: 'console', returnTo, scroll: 0, selectedId: selected?.id ?? null });
    case 'm': return none({ ...cleared, view: 'metadata', returnTo, scroll: 0 });
    case '/': return none({ ...cleared, prompt: { kind: 'filter', text: cleared.filter } });
    case 'r': return none({ ...cleared, prompt: { kind: 'run', field: 'image', image: '', options: '' } });
    case 'd': return needsInstance({ ...cleared, prompt: selected ? { kind: 'delete', instanceId: selected.id, name: selected.name } : null });
    case 's': return needsInstance({ ui: { ...cleared, sshFor: selected?.id ?? null }, effect: selected ? { type: 'ssh', instanceId: selected.id } : null });
    case 'q': return none({ ...cleared, prompt: { kind: 'quit' } });
    default: return none(cleared);
  }
}

export function reduceUi(ui: UiState, action: UiAction, ctx: UiContext): UiResult {
  switch (action.type) {
    case 'key': return reduceKey(ui, action.key, ctx);
    case 'flash': return none({ ...ui, flash: { level: action.level, message: action.message } });
    case 'ssh.ended': return none({ ...ui, sshFor: null });
    default: {
      const unhandled: never = action;
      return unhandled;
    }
  }
}
