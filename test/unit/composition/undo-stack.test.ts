import { describe, expect, it } from 'vitest';
import { UndoStack } from '../../../src/composition/undo-stack.js';

describe('UndoStack (what a failed `up` undoes)', () => {
  it('runs the steps latest first, then the pushLast ones, each once', async () => {
    const undo = new UndoStack();
    const ran: string[] = [];
    undo.push(() => ran.push('store'));
    undo.pushLast(() => ran.push('socket'));
    undo.push(() => ran.push('network'));
    undo.push(async () => {
      await Promise.resolve();
      ran.push('hypervisor');
    });
    expect(await undo.run()).toEqual([]);
    expect(ran).toEqual(['hypervisor', 'network', 'store', 'socket']);
    expect(await undo.run()).toEqual([]);
    expect(ran).toHaveLength(4);
  });

  it('runs every step when some fail, and returns every failure in the order they happened', async () => {
    const undo = new UndoStack();
    const ran: string[] = [];
    const first = new Error('nft table busy');
    const second = new Error('bridge busy');
    undo.push(() => ran.push('store'));
    undo.push(() => {
      throw second;
    });
    undo.push(() => ran.push('dnsmasq'));
    undo.push(() => Promise.reject(first));
    const failures = await undo.run();
    expect(ran).toEqual(['dnsmasq', 'store']);
    expect(failures).toEqual([first, second]);
  });
});
