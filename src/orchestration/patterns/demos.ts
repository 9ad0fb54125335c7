/**
 * Runnable demonstrations of each coordination pattern (`daca demo pattern <name>`; the scripts in
 * examples/patterns/ do the same from TypeScript/JavaScript). Each builds a few agents in an
 * `AgentPool`, runs the pattern, and prints what happened and why.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '../../bus/memory/memory-bus.js';
import { defineAgent, messageText, textMessage } from '../../runtime/define-agent.js';
import { openStore } from '../../store/open-store.js';
import { AgentPool } from '../agent-pool.js';
import { WaitForGraph } from '../safety/wait-for-graph.js';
import { DoubleAuction, sealedBid, vickrey } from './auctions.js';
import { announceCapability, CapabilityBoard, publishNeed } from './capability-board.js';
import { ContractNet, ContractStore } from './contract-net.js';
import { Hierarchy } from './hierarchy.js';
import { concessionAgent, negotiate } from './negotiation.js';
import { resolveByVote } from './resolution.js';
import { resolutionLog } from './resolution-record.js';
import { WorkerGroup } from './worker-group.js';

type Log = (line: string) => void;
const data = (m: { parts: { kind: string }[] }): Record<string, unknown> => (m.parts[0] as { data?: Record<string, unknown> })?.data ?? {};

/** The demos by name. */
export const PATTERN_DEMOS: Record<string, { about: string; run: (log: Log) => Promise<void> }> = {
  hierarchy: {
    about: 'supervisor → 2 leads → 6 workers; one worker broken, one stalls; a poisoned task is escalated and abandoned',
    run: async (log) => {
      const pool = new AgentPool();
      pool.register(defineAgent({
        name: 'worker',
        handlers: {
          async onMessage(ctx, m) {
            const d = data(m);
            if (ctx.id === '2') throw new Error('worker 2 is broken');
            if (ctx.id === '4') await new Promise((r) => setTimeout(r, 600));
            if (d.input === 'poison') throw new Error('cannot process poison');
            return [{ kind: 'data', data: { result: Number(d.input) ** 2 } }];
          },
        },
      }));
      const w = (id: string) => ({ agent: 'worker', id });
      const logR = resolutionLog();
      const h = new Hierarchy({
        host: pool, supervisor: 'supervisor', taskTimeoutMs: 200, maxAttempts: 2, log: logR,
        leads: [{ id: 'lead-a', workers: [w('1'), w('2'), w('3')] }, { id: 'lead-b', workers: [w('4'), w('5'), w('6')] }],
        escalate: async (t, failures) => ({ decision: 'abandon', by: 'supervisor', reason: `${t.id} failed ${failures.length} times on different workers` }),
      });
      const r = await h.run([...Array.from({ length: 8 }, (_, i) => ({ id: `t${i}`, input: i })), { id: 'bad', input: 'poison' }]);
      for (const e of r.events) log(`${e.kind.padEnd(10)} ${e.task ?? ''} ${e.lead ?? ''} ${e.worker ?? ''} ${e.detail ?? ''}`.trimEnd());
      log(`results: ${JSON.stringify(r.results)}; abandoned: ${r.abandoned.join(', ')}; done per lead: ${JSON.stringify(r.byLead)}`);
    },
  },
  'contract-net': {
    about: 'CFP to 3 contractors, award to the cheapest, breach and penalty, re-tender, fulfilment',
    run: async (log) => {
      const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'daca-demo-')) });
      await store.migrate();
      const pool = new AgentPool();
      pool.register(defineAgent({
        name: 'contractor',
        handlers: {
          async onMessage(ctx, m) {
            const prices: Record<string, number> = { cheap: 80_000_000, solid: 100_000_000 };
            const bid: { [k: string]: number | boolean } = ctx.id in prices ? { price: prices[ctx.id]!, eta: 100 } : { bid: false };
            if (data(m).t === 'cfp') return [{ kind: 'data', data: bid }];
            if (ctx.id === 'cheap') await new Promise((r) => setTimeout(r, 300));
            return [{ kind: 'data', data: { result: `report by ${ctx.id}` } }];
          },
        },
      }));
      const logR = resolutionLog();
      const net = new ContractNet({ host: pool, contracts: new ContractStore(store), issuer: 'manager', log: logR });
      const all = ['cheap', 'solid', 'busy'].map((id) => ({ agent: 'contractor', id }));
      const cfp = { task: 'quarterly-report', input: 'q3', bidWindowMs: 200, deadlineMs: 150, penaltyMicros: 5_000_000 };
      const a = await net.run(cfp, all);
      const b = await net.run(cfp, all.filter((c) => c.id !== 'cheap'));
      for (const o of [a, b]) log(`bids ${JSON.stringify(o.bids)} → contract ${o.contract?.id} ${o.contract?.status}: ${o.contract?.history.map((h) => `${h.event} (${h.detail ?? ''})`).join(' → ')}`);
      for (const r of logR.list()) log(`resolution ${r.subject} → ${r.outcome}: ${r.reasons.join('; ')}`);
      await store.close();
    },
  },
  negotiation: {
    about: 'alternating offers: bilateral, multilateral (two sellers), and one with no overlap',
    run: async (log) => {
      const pool = new AgentPool();
      pool.register(concessionAgent('buyer', 'buyer', { open: 60, limit: 100, rounds: 6, beta: 1 }));
      pool.register(concessionAgent('seller', 'seller', { open: 150, limit: 90, rounds: 6, beta: 0.5 }));
      pool.register(concessionAgent('pricey', 'seller', { open: 200, limit: 130, rounds: 6, beta: 2 }));
      for (const sellers of [[{ agent: 'seller', id: '1' }], [{ agent: 'pricey', id: '1' }, { agent: 'seller', id: '2' }], [{ agent: 'pricey', id: '2' }]]) {
        const o = await negotiate({ host: pool, buyer: { agent: 'buyer', id: String(sellers.length) + sellers[0]!.id }, sellers, rounds: 8, deadlineMs: 10_000 });
        log(`${sellers.map((s) => `${s.agent}:${s.id}`).join(' + ')}: ${o.reason}`);
        log(`  moves: ${o.moves.map((m) => `${m.by}${m.accept ? ' accepts' : ` ${m.price}`}`).join(', ')}`);
      }
    },
  },
  pubsub: {
    about: 'capabilities and needs on bus topics; scarce capacity shared max-min fairly',
    run: async (log) => {
      const bus = new MemoryBus();
      const pool = new AgentPool();
      pool.register(defineAgent({ name: 'app', handlers: { async onMessage(ctx, m) { const d = data(m); if (d.t === 'matched') log(`app:${ctx.id} got ${d.qty} of '${d.topic}' from ${d.provider}`); } } }));
      pool.register(defineAgent({ name: 'gpu', handlers: { async onMessage() {} } }));
      const logR = resolutionLog();
      const board = await CapabilityBoard.start(bus, pool, { name: 'demo', log: logR });
      await publishNeed(bus, { id: 'n1', agent: { agent: 'app', id: 'a' }, topic: 'render', qty: 6 });
      await publishNeed(bus, { id: 'n2', agent: { agent: 'app', id: 'b' }, topic: 'render', qty: 2 });
      await publishNeed(bus, { id: 'n3', agent: { agent: 'app', id: 'c' }, topic: 'render', qty: 6 });
      await new Promise((r) => setTimeout(r, 20)); // three needs wait; then capacity for 8 appears
      await announceCapability(bus, { agent: { agent: 'gpu', id: '1' }, topic: 'render', capacity: 8 });
      await pool.whenIdle();
      await new Promise((r) => setTimeout(r, 20));
      for (const r of logR.list()) log(`resolution ${r.subject}: ${r.outcome} (${r.reasons[0]})`);
      await board.stop();
      await bus.close();
    },
  },
  auctions: {
    about: 'sealed-bid first price, Vickrey, and a continuous double auction',
    run: async (log) => {
      const bids = [{ bidder: 'ann', price: 120 }, { bidder: 'bob', price: 150 }, { bidder: 'cy', price: 135 }];
      log(`first price: ${sealedBid(bids).explanation}`);
      log(`Vickrey:     ${vickrey(bids).explanation}`);
      const book = new DoubleAuction();
      for (const o of [
        { id: 'a1', trader: 's1', side: 'ask' as const, price: 105, qty: 5 },
        { id: 'a2', trader: 's2', side: 'ask' as const, price: 100, qty: 2 },
        { id: 'b1', trader: 'b1', side: 'bid' as const, price: 98, qty: 3 },
        { id: 'b2', trader: 'b2', side: 'bid' as const, price: 106, qty: 4 },
      ]) {
        const t = book.submit(o);
        log(`${o.side} ${o.qty}@${o.price} by ${o.trader}: ${t.length ? t.map((x) => `${x.qty}@${x.price} ${x.seller}→${x.buyer}`).join(', ') : 'rests'}; quote ${JSON.stringify(book.quote())}`);
      }
    },
  },
  voting: {
    about: 'five agents vote by majority, weight and ranked choice',
    run: async (log) => {
      const pool = new AgentPool();
      const prefs: Record<string, string[]> = { '1': ['a', 'c'], '2': ['a'], '3': ['b', 'c'], '4': ['b', 'c'], '5': ['c', 'b'] };
      pool.register(defineAgent({ name: 'voter', handlers: { async onMessage(ctx) { return [{ kind: 'data', data: { ranking: prefs[ctx.id]!, choice: prefs[ctx.id]![0]!, weight: Number(ctx.id) } }]; } } }));
      const logR = resolutionLog();
      const voters = Object.keys(prefs).map((id) => ({ agent: 'voter', id }));
      for (const method of ['majority', 'weighted', 'ranked-choice'] as const) {
        const { result } = await resolveByVote({ host: pool, log: logR }, 'which plan?', ['a', 'b', 'c'], voters, method);
        log(`${method.padEnd(13)} → ${result.winner}: ${result.explanation}`);
      }
    },
  },
  'worker-group': {
    about: 'workers spawned on queue depth (1 → 8), shrunk back to 1, drained',
    run: async (log) => {
      const bus = new MemoryBus();
      const pool = new AgentPool();
      const worker = defineAgent({ name: 'resizer', state: { jobs: 0 }, handlers: { async onMessage(ctx) { ctx.state.jobs++; await new Promise((r) => setTimeout(r, 10)); } } });
      const g = await WorkerGroup.start({ bus, pool, worker, subject: 'jobs.resize', min: 1, max: 8, backlogPerWorker: 2, team: 'media' });
      for (let i = 0; i < 50; i++) await bus.publish('jobs.resize', { image: i });
      while (g.stats().done < 50) await new Promise((r) => setTimeout(r, 10));
      log(`after 50 jobs: ${JSON.stringify(g.stats())}`);
      log(`shrunk by ${g.shrink()}: ${JSON.stringify(g.stats())}`);
      await g.drain();
      log(`drained: ${JSON.stringify(g.stats())}, live instances ${pool.live()}`);
      await bus.close();
    },
  },
  deadlock: {
    about: 'two agents call each other from inside their turns: detected in the wait-for graph and resolved',
    run: async (log) => {
      const pool = new AgentPool({ waits: new WaitForGraph(), deadlockCheckMs: 50, onDeadlock: (d) => log(`deadlock: ${d.cycle.join(' → ')} → ${d.cycle[0]}; victim ${d.victim}`) });
      pool.register(defineAgent({
        name: 'lock',
        handlers: {
          async onMessage(ctx, m) {
            const other = messageText(m);
            if (!other) return 'granted';
            await new Promise((r) => setTimeout(r, 10));
            const r = await ctx.callAgent('lock', other, textMessage(''));
            return r.state === 'completed' ? `${ctx.id}: got ${other}` : `${ctx.id}: backed off (${r.error?.code})`;
          },
        },
      }));
      const a = pool.invoke('lock', 'a', textMessage('b'));
      await new Promise((r) => setTimeout(r, 2));
      const b = pool.invoke('lock', 'b', textMessage('a'));
      for (const r of await Promise.all([a, b])) log(messageText(r));
    },
  },
};
