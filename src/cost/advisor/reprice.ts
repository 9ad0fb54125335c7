/**
 * Re-pricing recorded usage: what the same tokens would cost on another model, or under a routing
 * policy (per row: the policy's route from the row's task tag and prompt length).
 */
import { costMicros } from '../../metering/cost.js';
import type { UsageRecord } from '../../metering/usage-record.js';
import type { PriceSpec } from '../../spec/schema.js';
import { featureKeys, lengthBucket } from '../routing/features.js';
import type { LearnedPolicy, LearnedRoute } from '../routing/learned-policy.js';

/** The part of a usage row re-pricing needs. */
export type UsageRow = Pick<UsageRecord, 'model' | 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'costMicros' | 'tags' | 'cache' | 'status'>;

/** The price of a model, or undefined when unknown. */
export type PriceOf = (model: string) => PriceSpec | undefined;

/** Rows that were billed upstream (successful cache misses). */
export function billedRows<T extends UsageRow>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.status < 400 && r.cache !== 'hit');
}

/** The row's tokens at `price`, micro-dollars. */
export function rowCostAt(r: UsageRow, price: PriceSpec): number {
  return costMicros({ inputTokens: r.inputTokens, outputTokens: r.outputTokens, cachedTokens: r.cachedTokens }, price);
}

/**
 * What `rows` would have cost on `model`.
 *
 * @throws Error when the model has no price.
 */
export function repriceFixed(rows: readonly UsageRow[], model: string, priceOf: PriceOf): number {
  const price = priceOf(model);
  if (!price) throw new Error(`model '${model}' has no price`);
  let total = 0;
  for (const r of rows) total += rowCostAt(r, price);
  return total;
}

/** The route a learned policy gives a usage row (by its `task` tag and prompt length), or null. */
export function routeOfRow(policy: LearnedPolicy, r: UsageRow): { key: string; route: LearnedRoute } | null {
  for (const key of featureKeys({ task: r.tags.task ?? '*', promptTokens: r.inputTokens, length: lengthBucket(r.inputTokens), tools: false, json: false })) {
    const route = policy.routes[key];
    if (route) return { key, route };
  }
  return null;
}

/** The success of `model` in a route's evidence (0 when absent). */
export function evidenceSuccess(route: LearnedRoute, model: string): number {
  return route.evidence.find((e) => e.model === model)?.success ?? 0;
}

/**
 * What `rows` would cost under a learned policy. A verified route costs the cheap answer, its
 * verification (`probeOverhead` × the cheap answer) and the expected escalations
 * (`1 − s²` × the next model), with `s` the cheap model's eval success in that bucket.
 *
 * @returns the cost (micro-dollars) and the usage-weighted expected success.
 */
export function replayPolicy(rows: readonly UsageRow[], policy: LearnedPolicy, models: readonly string[], priceOf: PriceOf, probeOverhead = 0.5): { costMicros: number; success: number } {
  let cost = 0;
  let success = 0;
  let n = 0;
  for (const r of rows) {
    const hit = routeOfRow(policy, r);
    const route = hit?.route;
    const model = route?.model ?? r.model;
    const price = priceOf(model);
    if (!price) throw new Error(`model '${model}' has no price`);
    const own = rowCostAt(r, price);
    n++;
    if (!route || !route.verify) {
      cost += own;
      success += route ? evidenceSuccess(route, model) : 0;
      continue;
    }
    const next = models[models.indexOf(model) + 1] ?? model;
    const nextPrice = priceOf(next);
    if (!nextPrice) throw new Error(`model '${next}' has no price`);
    const s = evidenceSuccess(route, model);
    cost += own * (1 + probeOverhead) + (1 - s * s) * rowCostAt(r, nextPrice);
    success += Math.max(s, evidenceSuccess(route, next));
  }
  return { costMicros: Math.round(cost), success: n ? success / n : 0 };
}
