import { describe, expect, it } from 'vitest';
import { MemoryInstanceStore } from '../../../src/adapters/store/memory-instance-store.js';
import { syncInstances } from '../../../src/composition/sync-instances.js';
import { sampleInstance } from '../../helpers/instance-record.js';

describe('syncInstances (loading the instances file into a reused state directory)', () => {
  it('removes what the file dropped, updates what it kept (password too), inserts what is new', () => {
    const store = new MemoryInstanceStore([sampleInstance(1), sampleInstance(2)]);
    store.setPasswordOnce(sampleInstance(2).id, 'kept');
    const changed = { ...sampleInstance(2), hostname: 'renamed' };
    syncInstances(store, [changed, sampleInstance(3)]);
    expect(store.listInstances().map((i) => i.id)).toEqual([changed.id, sampleInstance(3).id]);
    expect(store.getInstance(changed.id)?.hostname).toBe('renamed');
    expect(store.getPassword(changed.id)).toBe('kept');
  });

  it('lets a new instance take the IP of one the file dropped', () => {
    const store = new MemoryInstanceStore([sampleInstance(1)]);
    const successor = sampleInstance(2, { ip: sampleInstance(1).ip });
    syncInstances(store, [successor]);
    expect(store.getInstanceByIp(successor.ip)?.id).toBe(successor.id);
  });
});
