/** The capability board on real NATS JetStream (fails, never skips, when NATS is unreachable). */
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { NatsBus } from '../../bus/nats/nats-bus.js';
import { boardSuite } from './board-suite.js';

describe('capability board on NATS JetStream', () => {
  const tag = randomUUID().slice(0, 8);
  boardSuite(
    () => NatsBus.connect(process.env.DACA_NATS_URL ?? 'nats://127.0.0.1:4222', { stream: `TEST_BOARD_${tag}`, prefix: `b${tag}` }),
    async (b) => {
      await (b as NatsBus).destroy();
      await b.close();
    },
  );
});
