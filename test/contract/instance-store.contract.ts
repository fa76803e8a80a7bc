import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../src/domain/instance.js';
import type { InstanceStore } from '../../src/ports/store.js';
import { sampleInstance } from '../helpers/instance-record.js';
import { thrownMinicloudError } from '../helpers/minicloud-error.js';

/** A fresh, empty store and how to dispose of it. */
export interface InstanceStoreSubject {
  store: InstanceStore;
  dispose(): void;
}

/**
 * The InstanceStore contract (src/ports/store.ts). Every adapter runs it from
 * test/contract/instance-store-<adapter>.unit.test.ts, so the fake and SQLite cannot drift apart.
 */
export function instanceStoreContract(adapter: string, create: () => InstanceStoreSubject): void {
  describe(`InstanceStore contract: ${adapter}`, () => {
    let subject: InstanceStoreSubject;
    let store: InstanceStore;
    beforeEach(() => {
      subject = create();
      store = subject.store;
    });
    afterEach(() => subject.dispose());

    it('starts empty', () => {
      expect(store.listInstances()).toEqual([]);
      expect(store.getInstance('i-00000000000000001')).toBeUndefined();
      expect(store.getInstanceByIp('10.0.0.1')).toBeUndefined();
    });

    it('returns an inserted instance by id and by IP, every field intact', () => {
      const vm = sampleInstance(1, {
        iamRole: { name: 'test-role', accessKeyId: 'AKIATEST', secretAccessKey: 'secret', token: 'tok', expiration: '2030-01-01T00:00:00Z' },
        vendorData: { nested: { list: [1, 'two', null] } },
        imdsv2: 'required',
        datasource: 'openstack',
        securityGroups: ['default', 'web'],
      });
      store.insertInstance(vm);
      expect(store.getInstance(vm.id)).toEqual(vm);
      expect(store.getInstanceByIp(vm.ip)).toEqual(vm);
      expect(store.listInstances()).toEqual([vm]);
    });

    it('keeps user-data byte for byte, and tells none (null) from empty', () => {
      const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      store.insertInstance(sampleInstance(1, { userData: allBytes }));
      store.insertInstance(sampleInstance(2, { userData: null }));
      store.insertInstance(sampleInstance(3, { userData: new Uint8Array(0) }));
      expect(store.getInstance(sampleInstance(1).id)?.userData).toEqual(allBytes);
      expect(store.getInstance(sampleInstance(2).id)?.userData).toBeNull();
      const empty = store.getInstance(sampleInstance(3).id)?.userData;
      expect(empty).not.toBeNull();
      expect(empty?.byteLength).toBe(0);
    });

    it('is not affected by later changes to the object that was inserted', () => {
      const vm = sampleInstance(1);
      store.insertInstance(vm);
      vm.name = 'changed';
      vm.meta['added'] = 'x';
      vm.publicKeys.push({ name: 'k2', key: 'ssh-rsa AAAA' });
      const stored = store.getInstance(vm.id);
      expect(stored?.name).toBe('vm-1');
      expect(stored?.meta).toEqual(sampleInstance(1).meta);
      expect(stored?.publicKeys).toHaveLength(1);
    });

    it('lists instances oldest first (by createdAt), whatever the insertion order', () => {
      const late = sampleInstance(1, { createdAt: 3000 });
      const early = sampleInstance(2, { createdAt: 1000 });
      const middle = sampleInstance(3, { createdAt: 2000 });
      store.insertInstance(late);
      store.insertInstance(early);
      store.insertInstance(middle);
      expect(store.listInstances().map((i) => i.id)).toEqual([early.id, middle.id, late.id]);
    });

    const collisions: [string, (i: InstanceRecord) => Partial<InstanceRecord>, string][] = [
      ['id', (i) => ({ id: i.id }), 'id'],
      ['name', (i) => ({ name: i.name }), 'name'],
      ['MAC', (i) => ({ mac: i.mac }), 'MAC'],
      ['IP', (i) => ({ ip: i.ip }), 'IP'],
    ];
    for (const [label, clash, what] of collisions) {
      it(`refuses a second instance with the same ${label} (MC_ERR_INSTANCE_EXISTS naming it)`, () => {
        const first = sampleInstance(1);
        store.insertInstance(first);
        const err = thrownMinicloudError(() => store.insertInstance(sampleInstance(2, clash(first))));
        expect(err.code).toBe('MC_ERR_INSTANCE_EXISTS');
        expect(err.message).toContain(what);
        expect(err.message).toContain(Object.values(clash(first)).map(String)[0]);
        expect(store.listInstances()).toEqual([first]);
      });
    }

    it('updates a record in place, moving its IP index', () => {
      const vm = sampleInstance(1);
      store.insertInstance(vm);
      const moved = { ...sampleInstance(1), ip: '10.0.9.9', meta: { changed: 'yes' }, userData: null };
      store.updateInstance(moved);
      expect(store.getInstance(vm.id)).toEqual(moved);
      expect(store.getInstanceByIp('10.0.9.9')).toEqual(moved);
      expect(store.getInstanceByIp(vm.ip)).toBeUndefined();
      expect(store.listInstances()).toHaveLength(1);
    });

    it('refuses to update a missing instance (MC_ERR_INSTANCE_NOT_FOUND)', () => {
      expect(thrownMinicloudError(() => store.updateInstance(sampleInstance(1))).code).toBe('MC_ERR_INSTANCE_NOT_FOUND');
      expect(store.listInstances()).toEqual([]);
    });

    it('refuses an update that takes another instance’s IP, and keeps both records', () => {
      const a = sampleInstance(1);
      const b = sampleInstance(2);
      store.insertInstance(a);
      store.insertInstance(b);
      const err = thrownMinicloudError(() => store.updateInstance({ ...sampleInstance(2), ip: a.ip }));
      expect(err.code).toBe('MC_ERR_INSTANCE_EXISTS');
      expect(err.message).toContain(a.ip);
      expect(store.getInstanceByIp(a.ip)).toEqual(a);
      expect(store.getInstanceByIp(b.ip)).toEqual(b);
    });

    it('deletes an instance and frees its id, name, MAC and IP; deleting a missing id is fine', () => {
      const vm = sampleInstance(1);
      store.insertInstance(vm);
      store.deleteInstance(vm.id);
      expect(store.getInstance(vm.id)).toBeUndefined();
      expect(store.getInstanceByIp(vm.ip)).toBeUndefined();
      expect(store.listInstances()).toEqual([]);
      store.deleteInstance(vm.id);
      store.insertInstance(vm);
      expect(store.getInstance(vm.id)).toEqual(vm);
    });

    it('bumps revision() on every insert, update and delete', () => {
      const seen = [store.revision()];
      const vm = sampleInstance(1);
      store.insertInstance(vm);
      seen.push(store.revision());
      store.updateInstance({ ...vm, hostname: 'other' });
      seen.push(store.revision());
      store.deleteInstance(vm.id);
      seen.push(store.revision());
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] ?? Infinity);
    });

    it('sets a password once: first call wins, later calls return false and change nothing', () => {
      const vm = sampleInstance(1);
      store.insertInstance(vm);
      expect(store.getPassword(vm.id)).toBeNull();
      expect(store.setPasswordOnce(vm.id, 'first')).toBe(true);
      expect(store.setPasswordOnce(vm.id, 'second')).toBe(false);
      expect(store.getPassword(vm.id)).toBe('first');
    });

    it('forgets the password with the instance', () => {
      const vm = sampleInstance(1);
      store.insertInstance(vm);
      store.setPasswordOnce(vm.id, 'secret');
      store.deleteInstance(vm.id);
      expect(store.getPassword(vm.id)).toBeNull();
      store.insertInstance(vm);
      expect(store.getPassword(vm.id)).toBeNull();
    });

    it('refuses a password for an instance that does not exist (MC_ERR_INSTANCE_NOT_FOUND)', () => {
      expect(thrownMinicloudError(() => store.setPasswordOnce('i-0000000000000ffff', 'x')).code).toBe('MC_ERR_INSTANCE_NOT_FOUND');
    });
  });
}
