import { MemoryInstanceStore } from '../../src/adapters/store/memory-instance-store.js';
import { instanceStoreContract } from './instance-store.contract.js';

instanceStoreContract('memory', () => ({ store: new MemoryInstanceStore(), dispose: () => {} }));
