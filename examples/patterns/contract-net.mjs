// Contract net from a script: three contractor agents bid for a task; the cheapest wins, misses
// the deadline and pays the penalty; the task is tendered again and fulfilled.
//   npm run build && node examples/patterns/contract-net.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentPool, ContractNet, ContractStore, resolutionLog } from '../../dist/src/orchestration/index.js';
import { defineAgent } from '../../dist/src/runtime/define-agent.js';
import { openStore } from '../../dist/src/store/open-store.js';

const store = await openStore({ dataDir: mkdtempSync(join(tmpdir(), 'daca-example-')) });
await store.migrate();
const prices = { cheap: 80_000_000, solid: 100_000_000 };
const pool = new AgentPool();
pool.register(defineAgent({
  name: 'contractor',
  handlers: {
    async onMessage(ctx, m) {
      const d = m.parts[0].data;
      if (d.t === 'cfp') return [{ kind: 'data', data: ctx.id in prices ? { price: prices[ctx.id], eta: 100 } : { bid: false } }];
      if (ctx.id === 'cheap') await new Promise((r) => setTimeout(r, 300));
      return [{ kind: 'data', data: { result: `report by ${ctx.id}` } }];
    },
  },
}));
const log = resolutionLog();
const net = new ContractNet({ host: pool, contracts: new ContractStore(store), issuer: 'manager', log });
const contractors = ['cheap', 'solid', 'busy'].map((id) => ({ agent: 'contractor', id }));
const cfp = { task: 'quarterly-report', input: 'q3', bidWindowMs: 200, deadlineMs: 150, penaltyMicros: 5_000_000 };
await net.run(cfp, contractors);
await net.run(cfp, contractors.filter((c) => c.id !== 'cheap'));
for (const r of log.list()) console.log(`${r.subject} → ${r.outcome}: ${r.reasons.join('; ')}`);
await store.close();
