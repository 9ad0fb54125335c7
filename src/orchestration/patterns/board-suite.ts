/**
 * The capability board over a bus (shared by the in-process and NATS tests).
 */
import { expect, it } from 'vitest';
import { until } from '../../bus/bus-suite.js';
import type { Bus } from '../../bus/types.js';
import { defineAgent } from '../../runtime/define-agent.js';
import { AgentPool } from '../agent-pool.js';
import { announceCapability, CapabilityBoard, publishNeed } from './capability-board.js';
import { resolutionLog } from './resolution-record.js';

/** Registers the board tests on buses from `open`. */
export function boardSuite(open: () => Promise<Bus>, done: (b: Bus) => Promise<void>): void {
  it('matches needs to announced capabilities, shares scarce capacity fairly, and resumes after a restart', async () => {
    const bus = await open();
    const got = new Map<string, number>();
    const pool = new AgentPool();
    pool.register(defineAgent({
      name: 'app',
      handlers: {
        async onMessage(ctx, m) {
          const d = m.parts[0]?.kind === 'data' ? m.parts[0].data : {};
          if (d.t === 'matched') got.set(ctx.id, (got.get(ctx.id) ?? 0) + Number(d.qty));
        },
      },
    }));
    pool.register(defineAgent({ name: 'gpu', handlers: { async onMessage() {} } }));
    const log = resolutionLog();
    let board = await CapabilityBoard.start(bus, pool, { name: `board${Date.now()}`.slice(0, 20), log });
    const name = `board${Date.now()}`.slice(0, 20);
    await board.stop();
    board = await CapabilityBoard.start(bus, pool, { name, log });
    await announceCapability(bus, { agent: { agent: 'gpu', id: '1' }, topic: 'render', capacity: 6 });
    await publishNeed(bus, { id: 'n-a', agent: { agent: 'app', id: 'a' }, topic: 'render', qty: 2 });
    await until(() => got.get('a') === 2, 5_000, 'first match');
    await publishNeed(bus, { id: 'n-d', agent: { agent: 'app', id: 'd' }, topic: 'render', qty: 4 });
    await until(() => got.get('d') === 4, 5_000, 'the rest of the capacity');
    await board.stop(); // the board goes away; needs keep coming
    await publishNeed(bus, { id: 'n-b', agent: { agent: 'app', id: 'b' }, topic: 'render', qty: 5 });
    await publishNeed(bus, { id: 'n-c', agent: { agent: 'app', id: 'c' }, topic: 'render', qty: 5 });
    await publishNeed(bus, { id: 'n-c', agent: { agent: 'app', id: 'c' }, topic: 'render', qty: 5 }); // a retried publish
    board = await CapabilityBoard.start(bus, pool, { name, log }); // replays capacity and matches, resumes the needs
    await new Promise((r) => setTimeout(r, 100));
    expect(got.get('b') ?? 0).toBe(0); // nothing left for them yet
    await announceCapability(bus, { agent: { agent: 'gpu', id: '2' }, topic: 'render', capacity: 4 });
    await until(() => (got.get('b') ?? 0) + (got.get('c') ?? 0) === 4, 5_000, 'fair shares of the new 4');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.get('b')).toBe(2);
    expect(got.get('c')).toBe(2);
    expect(got.get('a')).toBe(2);
    expect(board.capacity('render')).toBe(0);
    expect(log.list('pubsub').length).toBeGreaterThanOrEqual(3);
    await board.stop();
    await bus.deleteDurable(`${name}_caps`);
    await bus.deleteDurable(`${name}_needs`);
    await done(bus);
  }, 20_000);
}
