/**
 * Model-made negotiation moves: for a seeded share of moves, the agent asks a model (through the
 * node's gateway, metered to the agent) for its next price instead of following the rule.
 */
import type { AgentContext } from '../../runtime/define-agent.js';
import { uniform } from '../rng.js';
import type { MarketConfig } from './market-config.js';
import type { ModelMoveRequest } from './market-env.js';
import type { MarketMetrics } from './market-metrics.js';

/**
 * A model-made price in micro-dollars, or null to use the rule: the move is not in the model
 * share (`cfg.modelShare`, decided by the seed), the reply holds no price, or the call failed
 * (a `budget_exceeded` refusal is counted apart).
 * @example
 * ```ts
 * const price = (await modelMove(cfg, metrics, ctx, { side: 'buyer', deal, round, rounds, theirs, limit, rule })) ?? rule;
 * ```
 */
export async function modelMove(cfg: MarketConfig, metrics: MarketMetrics, ctx: AgentContext<unknown>, req: ModelMoveRequest): Promise<number | null> {
  if (cfg.modelShare <= 0 || uniform(cfg.seed, 'model-move', req.deal, req.side, req.round) >= cfg.modelShare) return null;
  metrics.modelMoves++;
  const usd = (v: number): string => (v / 1e6).toFixed(2);
  try {
    const r = await ctx.model.chat({
      messages: [
        { role: 'system', content: `You are a ${req.side} agent in a marketplace negotiating a unit price. Reply with one price in USD. [sim:tokens=24] [sim:difficulty=0.3]` },
        { role: 'user', content: `Round ${req.round + 1} of ${req.rounds}. ${req.theirs === null ? 'You open.' : `They offer ${usd(req.theirs)} USD.`} Your ${req.side === 'buyer' ? 'maximum' : 'minimum'} is ${usd(req.limit)} USD. Your next price? [sim:answer=${usd(req.rule)}]` },
      ],
      max_tokens: 40,
    });
    metrics.model(`${ctx.agent}-${ctx.id}`, r.usage.costMicros);
    const said = /answer is\s+\$?(\d+(?:\.\d+)?)/i.exec(r.text) ?? /(\d+(?:\.\d+)?)/.exec(r.text);
    if (!said) {
      metrics.modelFallbacks++;
      return null;
    }
    return Math.round(Number(said[1]) * 1e6);
  } catch (e) {
    metrics.modelFallbacks++;
    if ((e as { code?: string }).code === 'budget_exceeded') metrics.budgetRefusals++;
    return null;
  }
}
