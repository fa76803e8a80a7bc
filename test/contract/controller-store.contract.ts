import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControllerInstance } from '../../src/domain/controller-instance.js';
import type { ControllerStore } from '../../src/ports/controller-store.js';
import { sampleControllerInstance } from '../helpers/controller-instance.js';

/** A fresh, empty store and how to dispose of it. */
export interface ControllerStoreSubject {
  store: ControllerStore;
  /** A second store on the same storage, opened while the first is still open (durable stores only). */
  reopen?: () => ControllerStore;
  dispose(): void;
}

export interface ControllerStoreRunner {
  create(): ControllerStoreSubject;
  /** The store keeps its rows outside the process (a database file): the durability case runs too. */
  isDurable: boolean;
}

/** Rows that differ in every field that can differ, nested parts included. */
function variedRows(): ControllerInstance[] {
  return [
    sampleControllerInstance(1),
    // Disk boot, raw image, no size, no accelerator yet, --rm, being deleted, never started.
    sampleControllerInstance(2, {
      desired: 'deleted',
      image: { name: '/srv/images/debian.raw', path: '/srv/images/debian.raw', format: 'raw', kernel: null, sshUser: 'debian' },
      cpus: 1,
      memoryMiB: 2048,
      diskBytes: null,
      removeOnExit: true,
      accelerator: null,
      stages: { stage: 'defined', reached: { defined: 1_700_000_000_002 }, implied: [], startedAt: null },
      failure: { code: 'MC_ERR_GUEST_START', message: 'qemu exited with status 1', hint: null, exit: 4, at: 1_700_000_000_900 },
    }),
    // Kernel boot without initrd, KVM, every stage reached, a failure with a hint.
    sampleControllerInstance(3, {
      image: { name: 'minicirros', path: '/i/disk.qcow2', format: 'qcow2', kernel: { kernelPath: '/k', initrdPath: null, cmdline: 'console=ttyS0' }, sshUser: 'cirros' },
      accelerator: 'kvm',
      stages: {
        stage: 'ready',
        reached: { defined: 1, booting: 2, dhcp: 3, metadata: 4, userdata: 5, ssh: 6, ready: 6 },
        implied: ['metadata', 'ssh'],
        startedAt: 1,
      },
      failure: { code: 'MC_ERR_CLOUD_INIT', message: 'cloud-init failed: "x"', hint: 'see `minicloud console`', exit: 1, at: 7 },
    }),
  ];
}

/**
 * The ControllerStore contract (src/ports/controller-store.ts), and what the controller's InstanceBook
 * relies on besides: reads and writes are copies, put replaces the whole row, list is in creation order.
 * Every adapter runs it from test/contract/controller-store-<adapter>.unit.test.ts, so the in-memory
 * store the controller tests use cannot drift from SQLite.
 */
export function controllerStoreContract(adapter: string, runner: ControllerStoreRunner): void {
  describe(`ControllerStore contract: ${adapter}`, () => {
    let subject: ControllerStoreSubject;
    let store: ControllerStore;
    beforeEach(() => {
      subject = runner.create();
      store = subject.store;
    });
    afterEach(() => subject.dispose());

    it('starts empty', () => {
      expect(store.list()).toEqual([]);
      expect(store.get(sampleControllerInstance(1).id)).toBeUndefined();
    });

    it('returns what was put, every field intact, nested ones and nulls included', () => {
      const rows = variedRows();
      for (const row of rows) store.put(row);
      for (const row of rows) expect(store.get(row.id)).toStrictEqual(row);
      expect(store.list()).toStrictEqual(rows);
    });

    it('answers undefined for an id it does not hold', () => {
      store.put(sampleControllerInstance(1));
      expect(store.get(sampleControllerInstance(2).id)).toBeUndefined();
      expect(store.get('')).toBeUndefined();
    });

    it('is not affected by later changes to the object that was put', () => {
      const row = sampleControllerInstance(1);
      store.put(row);
      row.desired = 'deleted';
      row.image.kernel!.cmdline = 'changed';
      row.stages.reached.ready = 9;
      row.stages.implied.push('ready');
      row.failure = { code: 'MC_ERR_X', message: 'x', hint: null, exit: 1, at: 1 };
      expect(store.get(row.id)).toStrictEqual(sampleControllerInstance(1));
    });

    it('hands out copies: changing what get or list returned changes nothing stored', () => {
      store.put(sampleControllerInstance(1));
      const got = store.get(sampleControllerInstance(1).id)!;
      got.cpus = 64;
      got.stages.implied.push('ready');
      got.image.kernel!.initrdPath = null;
      const listed = store.list()[0]!;
      listed.stages.reached.ssh = 1;
      listed.image.name = 'changed';
      expect(store.get(got.id)).toStrictEqual(sampleControllerInstance(1));
      expect(store.list()).toStrictEqual([sampleControllerInstance(1)]);
    });

    it('put on an existing id replaces the whole row, keeping one row per id', () => {
      const [first, second] = [variedRows()[2]!, sampleControllerInstance(3, { failure: null, image: variedRows()[1]!.image, stages: variedRows()[1]!.stages })];
      store.put(first);
      store.put(second);
      expect(store.get(second.id)).toStrictEqual(second);
      expect(store.list()).toStrictEqual([second]);
    });

    it('lists oldest first: in the order ids were first put, whatever the ids, and a replace keeps its place', () => {
      const ids = [0xc0, 0x0a, 0xff, 0x01];
      for (const n of ids) store.put(sampleControllerInstance(n));
      store.put(sampleControllerInstance(0x0a, { desired: 'deleted' }));
      expect(store.list().map((r) => r.id)).toEqual(ids.map((n) => sampleControllerInstance(n).id));
      expect(store.list()[1]?.desired).toBe('deleted');
    });

    it('deletes one row; deleting an id it does not hold (or twice) is no error and changes nothing', () => {
      const [a, b, c] = [1, 2, 3].map((n) => sampleControllerInstance(n)) as [ControllerInstance, ControllerInstance, ControllerInstance];
      for (const row of [a, b, c]) store.put(row);
      store.delete(b.id);
      expect(store.get(b.id)).toBeUndefined();
      expect(store.list()).toStrictEqual([a, c]);
      store.delete(b.id);
      store.delete(sampleControllerInstance(9).id);
      expect(store.list()).toStrictEqual([a, c]);
    });

    it('a row put again after its delete is a new row: it lists after the others', () => {
      const [a, b, c] = [1, 2, 3].map((n) => sampleControllerInstance(n)) as [ControllerInstance, ControllerInstance, ControllerInstance];
      for (const row of [a, b, c]) store.put(row);
      store.delete(a.id);
      store.delete(c.id);
      store.put(a);
      store.put(c);
      expect(store.list().map((r) => r.id)).toEqual([b.id, a.id, c.id]);
    });

    if (runner.isDurable) {
      it('is durable at once: a second store on the same storage, opened without closing the first (as after kill -9), sees every put, replace and delete', () => {
        const rows = variedRows();
        for (const row of rows) store.put(row);
        const replaced = { ...rows[0]!, desired: 'deleted' as const };
        store.put(replaced);
        store.delete(rows[1]!.id);
        if (subject.reopen === undefined) throw new Error(`${adapter} is marked durable but gives no reopen()`);
        const reopened = subject.reopen();
        expect(reopened.list()).toStrictEqual([replaced, rows[2]]);
        expect(reopened.get(rows[1]!.id)).toBeUndefined();
      });
    }
  });
}
