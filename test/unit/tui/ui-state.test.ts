import { describe, expect, it } from 'vitest';
import type { KeyPress } from '../../../src/tui/key-press.js';
import { initialUiState, reduceUi, type UiContext, type UiEffect, type UiState } from '../../../src/tui/ui-state.js';

const ctx: UiContext = {
  instances: [{ id: 'i-a', name: 'a' }, { id: 'i-b', name: 'b' }, { id: 'i-c', name: 'c' }],
  pageSize: 10,
};

function keys(seq: readonly (string | KeyPress)[], start: UiState = initialUiState(), context = ctx): { ui: UiState; effects: UiEffect[] } {
  let ui = start;
  const effects: UiEffect[] = [];
  for (const k of seq) {
    const key: KeyPress = typeof k === 'string' ? { kind: 'char', char: k } : k;
    const result = reduceUi(ui, { type: 'key', key }, context);
    ui = result.ui;
    if (result.effect !== null) effects.push(result.effect);
  }
  return { ui, effects };
}

const enter: KeyPress = { kind: 'enter' };
const esc: KeyPress = { kind: 'escape' };

describe('UI reducer', () => {
  it('moves with arrows and j/k, clamped to the list', () => {
    expect(keys(['j', 'j', 'j', 'j']).ui.selectedId).toBe('i-c');
    expect(keys([{ kind: 'down' }, { kind: 'up' }, 'k']).ui.selectedId).toBe('i-a');
    expect(keys([{ kind: 'end' }]).ui.selectedId).toBe('i-c');
  });

  it('opens the detail of the selected instance with enter and goes back with esc', () => {
    const detail = keys(['j', enter]).ui;
    expect(detail).toMatchObject({ view: 'detail', selectedId: 'i-b' });
    expect(keys([esc], detail).ui.view).toBe('dashboard');
  });

  it('opens the console (l) and the metadata log (m), scrolls, and esc returns where it came from', () => {
    const fromDetail = keys([enter, 'l']).ui;
    expect(fromDetail).toMatchObject({ view: 'console', returnTo: 'detail' });
    const scrolled = keys([{ kind: 'up' }, { kind: 'pageUp' }, 'j'], fromDetail).ui;
    expect(scrolled.scroll).toBe(10);
    expect(keys([{ kind: 'end' }], scrolled).ui.scroll).toBe(0);
    expect(keys([esc], scrolled).ui.view).toBe('detail');
    expect(keys(['m', esc]).ui.view).toBe('dashboard');
  });

  it('shows help with ? and closes it with any key, without acting on that key', () => {
    const open = keys(['?']).ui;
    expect(open.isHelpOpen).toBe(true);
    expect(keys(['q'], open).ui).toMatchObject({ isHelpOpen: false, prompt: null });
  });

  it('filters live as the user types; enter keeps it, esc clears it', () => {
    const typing = keys(['/', 'w', 'e', 'x', { kind: 'backspace' }]).ui;
    expect(typing.filter).toBe('we');
    expect(keys([enter], typing).ui).toMatchObject({ prompt: null, filter: 'we' });
    expect(keys([esc], typing).ui).toMatchObject({ prompt: null, filter: '' });
  });

  it('runs an image with the options split into flags', () => {
    const { effects } = keys(['r', ...'minicirros', enter, ...'--name web --count 2', enter]);
    expect(effects).toEqual([{ type: 'run', image: 'minicirros', flags: ['--name', 'web', '--count', '2'] }]);
  });

  it('refuses to run without an image, and esc cancels', () => {
    const { ui, effects } = keys(['r', enter]);
    expect(effects).toEqual([]);
    expect(ui.flash?.level).toBe('error');
    expect(keys([esc], ui).ui.prompt).toBeNull();
  });

  it('deletes only after y', () => {
    expect(keys(['j', 'd', 'y']).effects).toEqual([{ type: 'delete', instanceId: 'i-b' }]);
    expect(keys(['d', 'n']).effects).toEqual([]);
    expect(keys(['d', esc]).effects).toEqual([]);
  });

  it('asks how to quit: s stops the cloud, d detaches, esc cancels, a second ctrl-c stops', () => {
    expect(keys(['q', 's']).effects).toEqual([{ type: 'quit', mode: 'stop' }]);
    expect(keys(['q', 'd']).effects).toEqual([{ type: 'quit', mode: 'detach' }]);
    expect(keys(['q', esc]).effects).toEqual([]);
    expect(keys([{ kind: 'ctrlC' }, { kind: 'ctrlC' }]).effects).toEqual([{ type: 'quit', mode: 'stop' }]);
  });

  it('starts ssh for the selected instance and ignores keys until it ends', () => {
    const { ui, effects } = keys(['j', 's']);
    expect(effects).toEqual([{ type: 'ssh', instanceId: 'i-b' }]);
    expect(ui.sshFor).toBe('i-b');
    expect(keys(['q'], ui).ui.prompt).toBeNull();
    expect(reduceUi(ui, { type: 'ssh.ended' }, ctx).ui.sshFor).toBeNull();
  });

  it('says so when a key needs an instance and there is none', () => {
    const empty = { instances: [], pageSize: 10 };
    for (const key of ['d', 's', 'l']) {
      const { ui, effects } = keys([key], initialUiState(), empty);
      expect(effects).toEqual([]);
      expect(ui.flash?.message).toBe('no instance selected');
    }
  });
});
