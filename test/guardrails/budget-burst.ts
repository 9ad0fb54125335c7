/**
 * The budget burst shared by the SQLite and PostgreSQL tests: 200 concurrent SDK calls against an
 * agent budget that allows exactly 50 of them, spread over the given nodes.
 *
 * Each call is sized so its estimate equals its actual cost: `max_tokens: 10`, the sim marker
 * `[sim:tokens=10]`, and a model that charges nothing for input and $0.10 per output token, so
 * every call costs exactly $1 and the $50 budget admits exactly 50.
 */
import { expect } from 'vitest';
import type { DacaProcess } from '../support/daca-process.js';
import { adminGet, outcome, sdk, type CallOutcome } from './fleet.js';

/** The bot's key (declared in the spec). */
export const BOT_KEY = 'sk-budget-bot-0123456789abcdef';
/** The budget's limit in USD. */
export const LIMIT_USD = 50;
/** What one call costs, micro-dollars. */
export const CALL_MICROS = 1_000_000;

/** The spec of the budget tests. */
export const BUDGET_SPEC = `version: 1
server: { dev_key: false, usage_flush_ms: 50 }
providers:
  sim: { kind: sim }
models:
  metered:
    provider: sim
    price: { input: 0, output: 100000 }   # USD per 1M tokens: $0.10 per output token
tenants: { acme: {} }
teams: { ops: { tenant: acme } }
agents: { bot: { team: ops } }
keys:
  bot: { value: ${BOT_KEY}, agent: bot }
budgets:
  - { scope: agent, agent: bot, limit_usd: ${LIMIT_USD} }
`;

/** What a burst observed. */
export interface BurstResult {
  outcomes: CallOutcome[];
  ok: number;
  /** Sum of `x-daca-cost-usd` over all responses, micro-dollars. */
  headerMicros: number;
  /** The bot's counter from `GET /api/budgets` after the burst, micro-dollars. */
  spentMicros: number;
  /** Largest spend + held amount seen on `/api/budgets` while the burst ran, micro-dollars. */
  maxObservedMicros: number;
}

interface BudgetsBody {
  budgets: { limit_usd: number }[];
  data: { scope: string; subject: string; spent_micros: number; reserved_micros: number; limit_usd: number | null }[];
}

async function botCounter(url: string): Promise<{ spent: number; reserved: number }> {
  const b = await adminGet<BudgetsBody>(url, '/api/budgets?scope=agent&subject=bot');
  const row = b.data.find((r) => r.scope === 'agent' && r.subject === 'bot');
  return { spent: row?.spent_micros ?? 0, reserved: row?.reserved_micros ?? 0 };
}

/** Fires 200 calls at once, round-robin over `nodes`, and checks what the budget contract promises. */
export async function budgetBurst(nodes: readonly DacaProcess[], total = 200): Promise<BurstResult> {
  const clients = nodes.map((n) => sdk(n.url, BOT_KEY));
  let maxObservedMicros = 0;
  let running = true;
  // Watch the counter while the burst runs (spend plus what nodes hold in the database).
  const watcher = (async () => {
    while (running) {
      for (const n of nodes) {
        const c = await botCounter(n.url).catch(() => ({ spent: 0, reserved: 0 }));
        maxObservedMicros = Math.max(maxObservedMicros, c.spent);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const outcomes = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      outcome(() =>
        clients[i % clients.length]!.chat.completions
          .create({ model: 'metered', max_tokens: 10, messages: [{ role: 'user', content: `[sim:tokens=10] Count from one to ten, call ${i}.` }] })
          .withResponse(),
      ),
    ),
  );
  running = false;
  await watcher;

  const ok = outcomes.filter((o) => o.status === 200).length;
  for (const o of outcomes) {
    if (o.status === 200) {
      expect(o.costMicros, 'a call costs exactly its estimate').toBe(CALL_MICROS);
      continue;
    }
    expect({ status: o.status, code: o.code }).toEqual({ status: 402, code: 'budget_exceeded' });
    expect(String(o.error?.message)).toContain('agent bot has spent');
    expect(String(o.error?.message)).toContain('$50.00 total hard limit');
    expect(o.error?.budget).toMatchObject({ scope: 'agent', subject: 'bot', limit_usd: LIMIT_USD });
  }
  const headerMicros = outcomes.reduce((s, o) => s + o.costMicros, 0);
  // Each node writes its pending spend when asked for /api/budgets; the last read sees them all.
  for (const n of nodes) await botCounter(n.url);
  const spentMicros = (await botCounter(nodes[0]!.url)).spent;
  maxObservedMicros = Math.max(maxObservedMicros, spentMicros);
  return { outcomes, ok, headerMicros, spentMicros, maxObservedMicros };
}

/** One line for the closing note: the observed maximum spend. */
export function reportBurst(label: string, r: BurstResult): void {
  const usd = (m: number): string => `$${(m / 1e6).toFixed(6)}`;
  console.log(
    `[budget ${label}] ${r.outcomes.length} concurrent calls, ${r.ok} ok, ${r.outcomes.length - r.ok} x 402: ` +
      `max observed spend ${usd(r.maxObservedMicros)}, /api/budgets spent ${usd(r.spentMicros)}, sum of x-daca-cost-usd ${usd(r.headerMicros)}, limit $${LIMIT_USD}`,
  );
}
