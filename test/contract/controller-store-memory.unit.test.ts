import { MemoryControllerStore } from '../../src/adapters/store/memory-controller-store.js';
import { controllerStoreContract } from './controller-store.contract.js';

controllerStoreContract('memory', { create: () => ({ store: new MemoryControllerStore(), dispose: () => {} }), isDurable: false });
