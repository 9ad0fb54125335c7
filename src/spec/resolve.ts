/**
 * The model catalog the gateway resolves requests against, compiled once per loaded spec:
 * aliases followed, prices settled (spec override → shipped table → zero), O(1) lookups.
 */
import { lookupPrice } from '../metering/prices.js';
import type { PriceSpec, ProviderSpec, Spec } from './schema.js';

/** A spec model with everything the gateway needs, precomputed. */
export interface ResolvedModel {
  /** The spec's model name (the key of `models`). */
  readonly name: string;
  /** Provider id (a key of `providers`). */
  readonly provider: string;
  /** The provider's kind: `sim`, `openai` or `anthropic`. */
  readonly providerKind: ProviderSpec['kind'];
  /** The provider's model id sent upstream. */
  readonly upstream: string;
  readonly type: 'chat' | 'embedding';
  /** USD per 1M tokens. */
  readonly price: PriceSpec;
  /** False when neither the spec nor the price table knows a price (then `price` is all zeros). */
  readonly priceKnown: boolean;
  /** Where the price came from. */
  readonly priceSource: 'spec' | 'table' | 'none';
  readonly contextWindow: number | undefined;
  readonly maxOutputTokens: number | undefined;
  /** Sim only: capability score in [0,1]. */
  readonly capability: number | undefined;
  /** Sim only: embedding size. */
  readonly dimensions: number | undefined;
  /** Sim only: per-model TTFT override, ms. */
  readonly ttftMs: number | undefined;
  /** Sim only: per-model speed override. */
  readonly tokensPerSecond: number | undefined;
  /** Aliases that point at this model. */
  readonly aliases: readonly string[];
}

/** Resolves model names and aliases of one spec. */
export interface ModelCatalog {
  /** The model a name or alias refers to, or undefined. O(1). */
  resolve(nameOrAlias: string): ResolvedModel | undefined;
  /** Every model, in spec order. */
  list(): readonly ResolvedModel[];
  /** Alias names, in spec order. */
  aliasNames(): readonly string[];
  /** Models and aliases a client may ask for (for `GET /v1/models`), models first. */
  ids(): readonly string[];
}

const ZERO_PRICE: PriceSpec = Object.freeze({ input: 0, output: 0 });

/**
 * Compiles the catalog of `spec`. Call once per load; the result is immutable.
 *
 * @example
 * ```ts
 * const catalog = compileModelCatalog(loadDefaultSpec().spec);
 * catalog.resolve('small')?.name; // 'sim-small'
 * ```
 */
export function compileModelCatalog(spec: Spec): ModelCatalog {
  const aliasesOf = new Map<string, string[]>();
  for (const [alias, target] of Object.entries(spec.aliases)) {
    const list = aliasesOf.get(target) ?? [];
    list.push(alias);
    aliasesOf.set(target, list);
  }

  const byName = new Map<string, ResolvedModel>();
  const models: ResolvedModel[] = [];
  for (const [name, m] of Object.entries(spec.models)) {
    const upstream = m.upstream ?? name;
    const tablePrice = m.price ? undefined : lookupPrice(upstream);
    const price = m.price ?? tablePrice ?? ZERO_PRICE;
    const resolved: ResolvedModel = Object.freeze({
      name,
      provider: m.provider,
      providerKind: spec.providers[m.provider]?.kind ?? 'openai',
      upstream,
      type: m.type,
      price,
      priceKnown: m.price !== undefined || tablePrice !== undefined,
      priceSource: m.price ? 'spec' : tablePrice ? 'table' : 'none',
      contextWindow: m.context_window,
      maxOutputTokens: m.max_output_tokens,
      capability: m.capability,
      dimensions: m.dimensions,
      ttftMs: m.ttft_ms,
      tokensPerSecond: m.tokens_per_second,
      aliases: Object.freeze(aliasesOf.get(name) ?? []),
    });
    byName.set(name, resolved);
    models.push(resolved);
  }

  const lookup = new Map(byName);
  const aliasNames: string[] = [];
  for (const [alias, target] of Object.entries(spec.aliases)) {
    // Follow alias chains defensively (the schema only allows alias → model today).
    let t = target;
    for (let hops = 0; !byName.has(t) && spec.aliases[t] !== undefined && hops < 16; hops++) t = spec.aliases[t]!;
    const model = byName.get(t);
    if (model && !byName.has(alias)) {
      lookup.set(alias, model);
      aliasNames.push(alias);
    }
  }
  const frozenModels = Object.freeze(models);
  const frozenAliases = Object.freeze(aliasNames);
  const ids = Object.freeze([...byName.keys(), ...aliasNames]);
  return Object.freeze({
    resolve: (nameOrAlias: string) => lookup.get(nameOrAlias),
    list: () => frozenModels,
    aliasNames: () => frozenAliases,
    ids: () => ids,
  });
}
