/**
 * The resilient caller: runs one model call through per-upstream retries and circuit breakers,
 * per-attempt timeouts, and the model's fallback chain, and says which model answered.
 *
 * Order per call: for each model of `[requested, ...fallbacks]` (skipping duplicates and models
 * the caller filters out): if its upstream's circuit is open, move on; otherwise run the attempt
 * under the upstream's retry policy (retry wraps breaker, so every try counts against the
 * circuit). A retryable failure that survives the retries moves on to the next model; a caller
 * fault (4xx) or a closed client ends the call at once. A streaming attempt must resolve once the
 * stream has produced its first chunk: nothing is retried after that.
 */
import type { CircuitBreakerPolicy, RetryPolicy } from 'cockatiel';
import { DacaError, ModelNotFoundError, UpstreamError, UpstreamUnavailableError } from '../errors.js';
import type { Spec } from '../spec/schema.js';
import { compileModelCatalog, type ModelCatalog, type ResolvedModel } from '../spec/resolve.js';
import { attemptSignal } from './attempt-signal.js';
import { describeError, isRetryable } from './upstream-fault.js';
import { UpstreamHealth, type UpstreamHealthSnapshot } from './upstream-health.js';
import { breakerState, createBreaker, createRetry, isCircuitOpen, type BreakerState } from './upstream-policy.js';

/** One try against one model. */
export interface AttemptRecord {
  /** The spec model name tried. */
  model: string;
  provider: string;
  /** The error of a failed try (an open circuit is an `UpstreamUnavailableError`). */
  error?: DacaError;
  ms: number;
}

/** What a successful run returns. */
export interface ResilientResult<T> {
  value: T;
  /** The model that answered (the requested one or a fallback). */
  model: ResolvedModel;
  /** Every try, in order, the successful one last. */
  attempts: AttemptRecord[];
}

/** Options of one run. */
export interface RunOptions {
  /** The call's signal (client gone, overall deadline): no retries or fallbacks once it fires. */
  signal?: AbortSignal;
  /** Models the caller may use; fallbacks it rejects are skipped (the requested model is always tried). */
  filter?: (model: ResolvedModel) => boolean;
}

/** The health of one upstream, for `/api/providers`. */
export interface UpstreamStatus extends UpstreamHealthSnapshot {
  provider: string;
  /** The provider's model id. */
  upstream: string;
  /** Spec models served by this upstream. */
  models: string[];
  breaker: BreakerState;
}

/** Runs model calls resiliently; see the module comment. */
export interface ResilientCaller {
  /**
   * Runs `attempt` against `modelName` (a model or alias) and its fallbacks.
   *
   * @throws the attempt's own error when the call cannot fail over (a caller fault, or a single
   *   model with no fallback), `UpstreamUnavailableError` (503) when every circuit was open,
   *   `UpstreamError` (502) naming every try when all models failed, `ModelNotFoundError`.
   */
  run<T>(modelName: string, attempt: (model: ResolvedModel, signal: AbortSignal) => Promise<T>, opts?: RunOptions): Promise<ResilientResult<T>>;
  /** Records a failure after a stream started (not retried; counts for health and the breaker). */
  recordStreamFailure(model: ResolvedModel, error: unknown): void;
  /** Health of every upstream, in spec order. */
  health(): UpstreamStatus[];
}

interface Upstream {
  key: string;
  provider: string;
  upstream: string;
  models: string[];
  breaker: CircuitBreakerPolicy | null;
  retry: RetryPolicy | null;
  timeoutMs: number | undefined;
  health: UpstreamHealth;
}

/** Options of {@link createResilientCaller}. */
export interface ResilientCallerOptions {
  /** The catalog to resolve names with (default: compiled from the spec). */
  catalog?: ModelCatalog;
  /** Clock for health windows and last-error times. */
  now?: () => number;
}

const upstreamKey = (m: ResolvedModel): string => `${m.provider}/${m.upstream}`;

/**
 * Builds the resilient caller of a spec. Breakers live as long as the caller: build one per
 * loaded spec and keep it.
 *
 * @example
 * ```ts
 * const caller = createResilientCaller(spec);
 * const { value, model, attempts } = await caller.run('gpt4o', (m, signal) =>
 *   providers.get(m.provider)!.chat({ ...req, model: m.upstream }, { signal, requestId }), { signal: call.signal });
 * ```
 */
export function createResilientCaller(spec: Spec, opts: ResilientCallerOptions = {}): ResilientCaller {
  const catalog = opts.catalog ?? compileModelCatalog(spec);
  const now = opts.now ?? Date.now;
  const upstreams = new Map<string, Upstream>();
  const chains = new Map<string, readonly ResolvedModel[]>();

  for (const m of catalog.list()) {
    const ms = spec.models[m.name];
    const ps = spec.providers[m.provider];
    const key = upstreamKey(m);
    const existing = upstreams.get(key);
    if (existing) {
      existing.models.push(m.name);
      continue;
    }
    const breakerSpec = ms?.circuit_breaker ?? ps?.circuit_breaker;
    const retrySpec = ms?.retry ?? ps?.retry;
    upstreams.set(key, {
      key,
      provider: m.provider,
      upstream: m.upstream,
      models: [m.name],
      breaker: breakerSpec ? createBreaker(breakerSpec) : null,
      retry: retrySpec && retrySpec.max_retries > 0 ? createRetry(retrySpec) : null,
      timeoutMs: ms?.timeout_ms ?? ps?.timeout_ms,
      health: new UpstreamHealth(now),
    });
  }
  for (const m of catalog.list()) {
    const chain: ResolvedModel[] = [m];
    for (const name of spec.models[m.name]?.fallbacks ?? []) {
      const f = catalog.resolve(name);
      if (f && !chain.includes(f)) chain.push(f);
    }
    chains.set(m.name, Object.freeze(chain));
  }

  function toDaca(e: unknown): DacaError {
    return e instanceof DacaError ? e : new UpstreamError(`upstream call failed: ${describeError(e).message}`, { cause: e });
  }

  async function tryModel<T>(
    m: ResolvedModel,
    u: Upstream,
    attempt: (model: ResolvedModel, signal: AbortSignal) => Promise<T>,
    attempts: AttemptRecord[],
    parent: AbortSignal | undefined,
  ): Promise<T> {
    const once = async (): Promise<T> => {
      const t = performance.now();
      const a = attemptSignal(parent, u.timeoutMs, u.key);
      try {
        const value = await attempt(m, a.signal);
        a.answered();
        u.health.success();
        attempts.push({ model: m.name, provider: m.provider, ms: performance.now() - t });
        return value;
      } catch (e) {
        a.dispose();
        const err = a.timeoutError && !parent?.aborted ? a.timeoutError : toDaca(e);
        if (isRetryable(err)) {
          const d = describeError(err);
          u.health.failure(d.code, d.message);
        }
        attempts.push({ model: m.name, provider: m.provider, error: err, ms: performance.now() - t });
        throw err;
      }
    };
    const guarded = u.breaker ? () => u.breaker!.execute(once) : once;
    return u.retry ? u.retry.execute(guarded, parent) : guarded();
  }

  return {
    async run(modelName, attempt, runOpts = {}) {
      const requested = catalog.resolve(modelName);
      if (!requested) throw new ModelNotFoundError(modelName, catalog.ids());
      const chain = chains.get(requested.name) ?? [requested];
      const attempts: AttemptRecord[] = [];
      const signal = runOpts.signal;
      let last: DacaError | null = null;
      let tried = 0;
      for (let i = 0; i < chain.length; i++) {
        const m = chain[i]!;
        if (i > 0 && runOpts.filter && !runOpts.filter(m)) continue;
        if (signal?.aborted) break;
        const u = upstreams.get(upstreamKey(m))!;
        tried++;
        try {
          const value = await tryModel(m, u, attempt, attempts, signal);
          return { value, model: m, attempts };
        } catch (e) {
          if (isCircuitOpen(e)) {
            const err = new UpstreamUnavailableError(`the circuit of upstream ${u.key} (model '${m.name}') is open after repeated failures`, {
              details: { model: m.name, provider: m.provider, breaker: breakerState(u.breaker) },
            });
            attempts.push({ model: m.name, provider: m.provider, error: err, ms: 0 });
            last = err;
            continue;
          }
          const err = toDaca(e);
          if (signal?.aborted || !isRetryable(err)) throw err;
          last = err;
        }
      }
      if (signal?.aborted && signal.reason instanceof DacaError) throw signal.reason;
      if (!last) throw new UpstreamUnavailableError(`no upstream may serve model '${modelName}'`);
      const failures = attempts.filter((a) => a.error);
      if (failures.every((a) => a.error instanceof UpstreamUnavailableError)) {
        if (tried === 1) throw last;
        throw new UpstreamUnavailableError(`every upstream for '${modelName}' has an open circuit: ${[...new Set(failures.map((a) => a.model))].join(', ')}`, {
          details: { attempts: summary(attempts) },
        });
      }
      if (tried === 1) throw last;
      throw new UpstreamError(`all upstreams failed for '${modelName}': ${failures.map((a) => `${a.model}: ${a.error!.message}`).join('; ')}`, {
        details: { attempts: summary(attempts) },
        cause: last,
      });
    },

    recordStreamFailure(model, error) {
      const u = upstreams.get(upstreamKey(model));
      if (!u || !isRetryable(error)) return;
      const d = describeError(error);
      u.health.failure(d.code, d.message);
      // Feed the breaker the failure (only while closed: never consume a half-open probe).
      if (u.breaker && breakerState(u.breaker) === 'closed') u.breaker.execute(() => Promise.reject(error)).catch(() => {});
    },

    health() {
      return [...upstreams.values()].map((u) => ({
        provider: u.provider,
        upstream: u.upstream,
        models: [...u.models],
        breaker: breakerState(u.breaker),
        ...u.health.snapshot(),
      }));
    },
  };
}

function summary(attempts: readonly AttemptRecord[]): { model: string; provider: string; code: string | null; ms: number }[] {
  return attempts.map((a) => ({ model: a.model, provider: a.provider, code: a.error?.code ?? null, ms: Math.round(a.ms) }));
}
