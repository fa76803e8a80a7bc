import { MemoryRequestLog } from '../../src/adapters/store/memory-request-log.js';
import { requestLogContract } from './request-log.contract.js';

requestLogContract('memory', () => ({ log: new MemoryRequestLog(), dispose: () => {} }));
