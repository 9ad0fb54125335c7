import { describe } from 'vitest';
import { MemoryBus } from '../../bus/memory/memory-bus.js';
import { boardSuite } from './board-suite.js';

describe('capability board on the in-process bus', () => {
  const bus = new MemoryBus();
  boardSuite(async () => bus, (b) => b.close());
});
