/**
 * The coordination patterns end to end with real agents: hierarchy and contract net on the node's
 * agent runtime (`AgentRuntime`, in-process agents), negotiation, votes, escalation (to an agent
 * and to a person through the approvals service) and arbitration on an `AgentPool`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import { AgentRuntime } from '../../runtime/agent-runtime.js';
import { defineAgent } from '../../runtime/define-agent.js';
import type { AgentModelClient } from '../../runtime/model-client.js';
import { loadDefaultSpec } from '../../spec/default-spec.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/types.js';
import { AgentPool } from '../agent-pool.js';
import { ContractNet, ContractStore } from './contract-net.js';
import { Hierarchy } from './hierarchy.js';
import { concessionAgent, negotiate } from './negotiation.js';
import { arbitrate, escalate, resolveByVote } from './resolution.js';
import { resolutionLog } from './resolution-record.js';

const dir = mkdtempSync(join(tmpdir(), 'daca-patterns-'));
const noModels: AgentModelClient = { chat: () => Promise.reject(new Error('no model calls here')) };
const data = (m: { parts: { kind: string }[] }): Record<string, unknown> => ((m.parts[0] as { data?: Record<string, unknown> })?.data ?? {});

let store: Store;
let runtime: AgentRuntime;
beforeAll(async () => {
  store = await openStore({ dataDir: dir });
  await store.migrate();
  runtime = new AgentRuntime({ spec: loadDefaultSpec().spec, dataDir: dir, models: noModels });
  await runtime.register(
    defineAgent({
      name: 'worker',
      handlers: {
        async onMessage(ctx, m) {
          const d = data(m);
          if (ctx.id === '2') throw new Error('worker 2 is broken');
          if (ctx.id === '4') await new Promise((r) => setTimeout(r, 1_000)); // stalls
          if (d.input === 'poison') throw new Error('cannot do poison');
          return [{ kind: 'data', data: { result: Number(d.input) * 2 } }];
        },
      },
    }),
    defineAgent({
      name: 'boss',
      handlers: { async onMessage(_ctx, m) { return [{ kind: 'data', data: { decision: 'abandon', reason: `not worth it: ${String(data(m).question)}` } }]; } },
    }),
    defineAgent({
      name: 'contractor',
      handlers: {
        async onMessage(ctx, m) {
          const d = data(m);
          const offers: Record<string, number> = { cheap: 80_000_000, solid: 100_000_000 };
          const bid: { [k: string]: number | boolean } = ctx.id in offers ? { price: offers[ctx.id]!, eta: 100 } : { bid: false };
          if (d.t === 'cfp') return [{ kind: 'data', data: bid }];
          if (ctx.id === 'cheap') await new Promise((r) => setTimeout(r, 400)); // misses the deadline
          return [{ kind: 'data', data: { result: `done by ${ctx.id}` } }];
        },
      },
    }),
  );
  await runtime.start();
});
afterAll(async () => {
  await runtime.close();
  await store.close();
});

describe('hierarchy (supervisor → leads → workers) on the agent runtime', () => {
  it('delegates, reports progress, re-assigns failed and stalled work, escalates what keeps failing', async () => {
    const log = resolutionLog();
    const w = (id: string) => ({ agent: 'worker', id });
    const h = new Hierarchy({
      host: runtime, supervisor: 'boss', taskTimeoutMs: 150, maxAttempts: 2, log,
      leads: [{ id: 'lead-a', workers: [w('1'), w('2'), w('3')] }, { id: 'lead-b', workers: [w('4'), w('5'), w('6')] }],
      escalate: async (task) => {
        const r = await escalate({ host: runtime, log }, `task ${task.id} keeps failing`, 'lead', { kind: 'agent', ref: { agent: 'boss', id: 'main' } });
        return { decision: r.outcome === 'abandon' ? 'abandon' : 'retry', by: 'boss:main', reason: r.reasons[0]! };
      },
    });
    const tasks = [...Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, input: i })), { id: 'bad', input: 'poison' }];
    const r = await h.run(tasks);
    expect(r.results).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, i * 2])));
    expect(r.abandoned).toEqual(['bad']);
    const kinds = new Set(r.events.map((e) => e.kind));
    for (const k of ['delegated', 'completed', 'failed', 'stalled', 'reassigned', 'escalated', 'abandoned', 'progress'] as const) expect(kinds).toContain(k);
    expect(r.byLead['lead-a']! + r.byLead['lead-b']!).toBe(10);
    const esc = log.list('escalation');
    expect(esc[0]?.outcome).toBe('abandon');
    expect(esc[0]?.reasons[0]).toMatch(/boss:main decided: not worth it/);
  });
});

describe('contract net on the agent runtime', () => {
  it('awards the best bid, stores the contract, enforces the deadline with a penalty, and records every step', async () => {
    const log = resolutionLog();
    const contracts = new ContractStore(store);
    const net = new ContractNet({ host: runtime, contracts, issuer: 'manager', log });
    const all = ['cheap', 'solid', 'lazy'].map((id) => ({ agent: 'contractor', id }));
    const first = await net.run({ task: 'report', input: 'q3', bidWindowMs: 200, deadlineMs: 200, penaltyMicros: 5_000_000 }, all);
    expect(first.bids.map((b) => b.contractor)).toEqual(['contractor:cheap', 'contractor:solid']);
    expect(first.refused).toEqual(['contractor:lazy']);
    expect(first.contract).toMatchObject({ contractor: 'contractor:cheap', status: 'breached', penaltyMicros: 5_000_000 });
    expect(first.contract!.history.map((h) => h.event)).toEqual(['awarded', 'breached']);
    const second = await net.run({ task: 'report', input: 'q3', bidWindowMs: 200, deadlineMs: 200, penaltyMicros: 5_000_000 }, all.filter((c) => c.id !== 'cheap'));
    expect(second.contract).toMatchObject({ contractor: 'contractor:solid', status: 'fulfilled' });
    expect(second.result).toBe('done by solid');
    expect((await contracts.get(second.contract!.id))?.status).toBe('fulfilled');
    expect(log.list('contract-net').map((r) => r.outcome)).toEqual(['awarded to contractor:cheap', 'breached', 'awarded to contractor:solid', 'fulfilled']);
    expect(log.list('contract-net')[1]!.reasons.join(' ')).toMatch(/penalty 5000000/);
  });
});

describe('negotiation, votes, escalation and arbitration on an agent pool', () => {
  const pool = new AgentPool();
  pool.register(concessionAgent('buyer', 'buyer', { open: 60, limit: 100, rounds: 6, beta: 1 }));
  pool.register(concessionAgent('seller', 'seller', { open: 150, limit: 90, rounds: 6, beta: 1 }));
  pool.register(concessionAgent('dear', 'seller', { open: 200, limit: 130, rounds: 6, beta: 1 }));
  pool.register(defineAgent({
    name: 'voter',
    handlers: {
      async onMessage(ctx) {
        const prefs: Record<string, string[]> = { '1': ['a', 'c'], '2': ['a'], '3': ['b', 'c'], '4': ['b', 'c'], '5': ['c', 'b'] };
        return [{ kind: 'data', data: { ranking: prefs[ctx.id]!, choice: prefs[ctx.id]![0]!, weight: Number(ctx.id) } }];
      },
    },
  }));
  pool.register(defineAgent({
    name: 'mediator',
    handlers: {
      async onMessage(_ctx, m) {
        const d = data(m).dispute as { parties: { name: string; claim: string }[] };
        return [{ kind: 'data', data: { award: d.parties[1]!.name, reason: 'the delivery log shows the goods arrived late' } }];
      },
    },
  }));

  it('bilateral: alternating offers meet inside the overlap before the deadline', async () => {
    const o = await negotiate({ host: pool, buyer: { agent: 'buyer', id: '1' }, sellers: [{ agent: 'seller', id: '1' }], rounds: 8, deadlineMs: 10_000 });
    expect(o.agreed).toBe(true);
    expect(o.price).toBeGreaterThanOrEqual(90);
    expect(o.price).toBeLessThanOrEqual(100);
    expect(o.moves.length).toBeGreaterThan(2);
  });

  it('multilateral: the buyer plays sellers against each other and takes the best ask; no overlap, no deal', async () => {
    const o = await negotiate({ host: pool, buyer: { agent: 'buyer', id: '2' }, sellers: [{ agent: 'dear', id: '1' }, { agent: 'seller', id: '2' }], rounds: 8, deadlineMs: 10_000 });
    expect(o).toMatchObject({ agreed: true, seller: 'seller:2' });
    const none = await negotiate({ host: pool, buyer: { agent: 'buyer', id: '3' }, sellers: [{ agent: 'dear', id: '2' }], rounds: 8, deadlineMs: 10_000 });
    expect(none).toMatchObject({ agreed: false, reason: 'no agreement in 8 rounds' });
  });

  it('votes by majority, weight and ranked choice, recording each resolution with its explanation', async () => {
    const log = resolutionLog();
    const voters = ['1', '2', '3', '4', '5'].map((id) => ({ agent: 'voter', id }));
    expect((await resolveByVote({ host: pool, log }, 'which plan?', ['a', 'b', 'c'], voters, 'majority')).result.winner).toBe('a');
    expect((await resolveByVote({ host: pool, log }, 'which plan?', ['a', 'b', 'c'], voters, 'weighted')).result.winner).toBe('b');
    const rc = await resolveByVote({ host: pool, log }, 'which plan?', ['a', 'b', 'c'], voters, 'ranked-choice');
    expect(rc.result.winner).toBe('b');
    expect(rc.resolution.reasons[0]).toMatch(/after eliminating c/);
    expect(log.list('vote')).toHaveLength(3);
  });

  it('escalates to a person through the approvals, and arbitrates a dispute by a mediator agent', async () => {
    const log = resolutionLog();
    const spec = loadDefaultSpec().spec;
    const approvals = new ApprovalService({ store, spec });
    const person = setInterval(() => {
      void approvals.list({ status: 'pending' }).then((l) => l.forEach((a) => void approvals.decide(a.id, { decision: 'approve', approver: { name: 'dana', keyId: 'human:dana' }, note: 'go ahead' }).catch(() => {})));
    }, 20);
    const r = await escalate({ host: pool, log }, 'spend 2,000 USD on the campaign?', 'lead-7', { kind: 'human', approvals, tenant: 'default', team: 'default', waitMs: 5_000 });
    clearInterval(person);
    expect(r).toMatchObject({ pattern: 'escalation', outcome: 'yes', participants: ['lead-7', 'dana'] });
    expect(r.reasons[0]).toBe('dana approved: go ahead');
    const a = await arbitrate({ host: pool, log }, { id: 'dispute-1', parties: [{ name: 'seller-3', claim: 'delivered on time' }, { name: 'buyer-9', claim: 'arrived late' }], facts: ['tracking shows day 6 of 5'] }, { agent: 'mediator', id: '1' });
    expect(a).toMatchObject({ pattern: 'arbitration', outcome: 'buyer-9' });
    expect(a.reasons).toEqual(['the delivery log shows the goods arrived late', 'tracking shows day 6 of 5']);
  });
});
