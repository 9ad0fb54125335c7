/**
 * A concurrency scenario for budget tests: many calls at once against one hard budget, spread
 * over several engines (nodes), each call reserving, waiting a little, then settling its estimate.
 * Used by the SQLite and PostgreSQL concurrency tests; not part of the runtime.
 */
import { BudgetExceededError } from '../../errors.js';
import type { Attribution } from '../../identity/principal.js';
import type { BudgetEngine } from './budget-engine.js';

/** What a race observed. */
export interface RaceResult {
  accepted: number;
  rejected: number;
  /** Largest sum of accepted estimates held or spent at any moment (micro-dollars). */
  maxCommittedMicros: number;
}

/**
 * Fires `calls` reservations of `estimateMicros` at once, round-robin over `engines`; accepted
 * calls settle their estimate after 0–`holdMs` ms. Any error other than a budget rejection fails.
 */
export async function raceBudget(engines: readonly BudgetEngine[], a: Attribution, calls: number, estimateMicros: number, holdMs = 5): Promise<RaceResult> {
  let accepted = 0;
  let rejected = 0;
  let committed = 0;
  let maxCommitted = 0;
  const one = async (i: number): Promise<void> => {
    const engine = engines[i % engines.length]!;
    try {
      const r = await engine.reserve('key-race', a, estimateMicros);
      accepted++;
      committed += estimateMicros;
      maxCommitted = Math.max(maxCommitted, committed);
      await new Promise((res) => setTimeout(res, Math.floor(Math.random() * holdMs)));
      engine.settle(r, estimateMicros);
    } catch (e) {
      if (!(e instanceof BudgetExceededError)) throw e;
      rejected++;
    }
  };
  await Promise.all(Array.from({ length: calls }, (_, i) => one(i)));
  return { accepted, rejected, maxCommittedMicros: maxCommitted };
}

/** Mean µs per reserve+settle of sequential calls against budgets with plenty of headroom (tests only). */
export async function timeCalls(engine: BudgetEngine, calls: number): Promise<number> {
  const a: Attribution = { tenant: 't', team: 'tm', agent: 'ag', session: 'perf', tags: {} };
  for (let i = 0; i < 200; i++) engine.settle(await engine.reserve('k', a, 1000), 1000);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) engine.settle(await engine.reserve('k', a, 1000), 900);
  return Number(process.hrtime.bigint() - t0) / 1e3 / calls;
}
