/**
 * The Gateway: runs one model call through the pipeline and meters it.
 *
 * Order of work per call (DESIGN.md §2): resolve the model (alias → spec model → provider), check
 * the key's and agent's model allow-lists, call the provider with the client's abort signal and an
 * upstream timeout, measure TTFT / upstream time / overhead, count tokens (provider usage, else a
 * tiktoken estimate flagged `estimated`), price the call in micro-dollars, and hand the usage record
 * to the batching recorder. Later stages (limits, budgets, guardrails, cache, routing) plug in here.
 */
import { ClientClosedError, DacaError, ForbiddenError, InternalError, InvalidRequestError, ModelNotFoundError, UpstreamTimeoutError } from '../errors.js';
import { costMicros } from '../metering/cost.js';
import { countChatTokens, countTextTokens } from '../metering/tokenizer.js';
import type { UsageRecord } from '../metering/usage-record.js';
import type { UsageRecorder } from '../metering/usage-recorder.js';
import type { ChatChunk, ChatRequest, ChatResult, EmbeddingRequest, EmbeddingResult, ModelProvider, Usage } from '../providers/types.js';
import type { ModelCatalog, ResolvedModel } from '../spec/resolve.js';
import type { GatewayCall } from './call.js';

/** What the gateway needs to run calls. */
export interface GatewayOptions {
  catalog: ModelCatalog;
  providers: ReadonlyMap<string, ModelProvider>;
  recorder: UsageRecorder;
  upstreamTimeoutMs: number;
  /** `strict`: the response waits until its usage record is stored. */
  durability: 'batched' | 'strict';
  /** Models each declared agent may use (agent id → allowed names), from the spec. */
  agentModels?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The metered outcome of a call. */
export interface CallMeter {
  usage: Usage;
  costMicros: number;
  ttftMs: number | null;
  upstreamMs: number;
  finishReason: string | null;
}

/** A streamed call: iterate `chunks`; `meter()` is final once iteration ends. */
export interface StreamingCall {
  model: ResolvedModel;
  chunks: AsyncIterable<ChatChunk>;
  meter(): CallMeter | null;
}

interface Upstream {
  signal: AbortSignal;
  done(): void;
  /** Maps an error thrown while the upstream ran to the error the caller should get. */
  translate(e: unknown): DacaError;
}

/** Runs calls through the pipeline; see the module comment. */
export class Gateway {
  constructor(private readonly opts: GatewayOptions) {}

  /** Resolves the requested model for a call and checks it may be used. */
  resolve(call: GatewayCall, kind: 'chat' | 'embedding'): { model: ResolvedModel; provider: ModelProvider } {
    const model = this.opts.catalog.resolve(call.requestedModel);
    if (!model) throw new ModelNotFoundError(call.requestedModel, this.opts.catalog.ids());
    const allowedByKey = call.principal.models;
    if (allowedByKey && !allowedByKey.has(call.requestedModel) && !allowedByKey.has(model.name))
      throw new ForbiddenError(`this key may not use model '${call.requestedModel}'; allowed: ${[...allowedByKey].join(', ')}`, { param: 'model' });
    const allowedForAgent = this.opts.agentModels?.get(call.attribution.agent);
    if (allowedForAgent && !allowedForAgent.has(call.requestedModel) && !allowedForAgent.has(model.name))
      throw new ForbiddenError(`agent '${call.attribution.agent}' may not use model '${call.requestedModel}'; allowed: ${[...allowedForAgent].join(', ')}`, { param: 'model' });
    if (model.type !== kind)
      throw new InvalidRequestError(`model '${call.requestedModel}' is ${model.type === 'embedding' ? 'an embedding' : 'a chat'} model; use ${model.type === 'embedding' ? '/v1/embeddings' : '/v1/chat/completions or /v1/messages'}`, { param: 'model' });
    const provider = this.opts.providers.get(model.provider);
    if (!provider) throw new InternalError(`provider '${model.provider}' of model '${model.name}' is not running`);
    call.model = model;
    return { model, provider };
  }

  /** One non-streaming chat completion. */
  async chat(call: GatewayCall, req: ChatRequest): Promise<{ result: ChatResult; meter: CallMeter }> {
    const { model, provider } = this.resolve(call, 'chat');
    const upstream = this.upstream(call);
    const t = performance.now();
    let result: ChatResult;
    try {
      result = await provider.chat({ ...req, model: model.upstream }, { signal: upstream.signal, requestId: call.id, ...(call.traceparent ? { traceparent: call.traceparent } : {}) });
    } catch (e) {
      throw upstream.translate(e);
    } finally {
      upstream.done();
    }
    const upstreamMs = performance.now() - t;
    let usage = result.usage;
    if (!usage || (usage.prompt_tokens === 0 && usage.completion_tokens === 0)) usage = this.estimate(req, result.choices.map((c) => c.message.content ?? '').join(''));
    const meter: CallMeter = { usage, costMicros: this.price(model, usage), ttftMs: upstreamMs, upstreamMs, finishReason: result.choices[0]?.finish_reason ?? null };
    result.model = call.requestedModel;
    await this.record(call, 200, null, meter);
    return { result, meter };
  }

  /** A streaming chat completion; metering completes when iteration ends (normally or not). */
  chatStream(call: GatewayCall, req: ChatRequest): StreamingCall {
    const { model, provider } = this.resolve(call, 'chat');
    let meter: CallMeter | null = null;
    const self = this;
    async function* run(): AsyncGenerator<ChatChunk> {
      const upstream = self.upstream(call);
      const t = performance.now();
      let ttftMs: number | null = null;
      let usage: Usage | null = null;
      let finishReason: string | null = null;
      let text = '';
      let failure: DacaError | null = null;
      try {
        const it = provider.chatStream({ ...req, model: model.upstream }, { signal: upstream.signal, requestId: call.id, ...(call.traceparent ? { traceparent: call.traceparent } : {}) });
        for await (const chunk of it) {
          if (chunk.usage) usage = chunk.usage;
          const choice = chunk.choices[0];
          if (choice) {
            const d = choice.delta;
            if (ttftMs === null && (d.content || d.tool_calls)) ttftMs = performance.now() - call.t0;
            if (d.content) text += d.content;
            if (d.tool_calls) for (const tc of d.tool_calls) text += (tc.function?.name ?? '') + (tc.function?.arguments ?? '');
            if (choice.finish_reason) finishReason = choice.finish_reason;
          }
          chunk.model = call.requestedModel;
          yield chunk;
        }
      } catch (e) {
        failure = upstream.translate(e);
        throw failure;
      } finally {
        upstream.done();
        const upstreamMs = performance.now() - t;
        if (!usage || (usage.prompt_tokens === 0 && usage.completion_tokens === 0)) usage = self.estimate(req, text);
        meter = { usage, costMicros: self.price(model, usage), ttftMs, upstreamMs, finishReason };
        // A generator abandoned by its consumer (client gone) also lands here: meter what was used.
        const closed = failure === null && finishReason === null;
        const status = failure ? failure.status : closed && call.signal.reason instanceof ClientClosedError ? 499 : 200;
        const code = failure ? failure.code : status === 499 ? 'client_closed_request' : null;
        await self.record(call, status, code, meter);
      }
    }
    return { model, chunks: run(), meter: () => meter };
  }

  /** Embeddings. */
  async embed(call: GatewayCall, req: EmbeddingRequest): Promise<{ result: EmbeddingResult; meter: CallMeter }> {
    const { model, provider } = this.resolve(call, 'embedding');
    const upstream = this.upstream(call);
    const t = performance.now();
    let result: EmbeddingResult;
    try {
      result = await provider.embed({ ...req, model: model.upstream }, { signal: upstream.signal, requestId: call.id });
    } catch (e) {
      throw upstream.translate(e);
    } finally {
      upstream.done();
    }
    const upstreamMs = performance.now() - t;
    let prompt = result.usage?.prompt_tokens ?? 0;
    let estimated = !!result.usage?.estimated;
    if (!prompt) {
      const inputs = Array.isArray(req.input) ? req.input : [req.input];
      prompt = inputs.reduce<number>((n, x) => n + (typeof x === 'string' ? countTextTokens(x) : Array.isArray(x) ? x.length : 1), 0);
      estimated = true;
    }
    const usage: Usage = { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt, ...(estimated ? { estimated } : {}) };
    const meter: CallMeter = { usage, costMicros: this.price(model, usage), ttftMs: upstreamMs, upstreamMs, finishReason: null };
    result.model = call.requestedModel;
    await this.record(call, 200, null, meter);
    return { result, meter };
  }

  /** Records a call that failed before or during the upstream call. */
  async recordFailure(call: GatewayCall, err: DacaError): Promise<void> {
    if (!call.recorded) await this.record(call, err.status, err.code, null);
  }

  private upstream(call: GatewayCall): Upstream {
    const timeoutMs = this.opts.upstreamTimeoutMs;
    const timer = setTimeout(() => call.abort(new UpstreamTimeoutError(`the upstream did not answer within ${timeoutMs} ms (server.upstream_timeout_ms)`)), timeoutMs);
    return {
      signal: call.signal,
      done: () => clearTimeout(timer),
      translate: (e) => {
        if (call.signal.aborted && call.signal.reason instanceof DacaError) return call.signal.reason;
        if (e instanceof DacaError) return e;
        return new InternalError(`provider failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      },
    };
  }

  private estimate(req: ChatRequest, output: string): Usage {
    const prompt = countChatTokens(req.messages, req.tools, req.model);
    const completion = output ? countTextTokens(output, req.model) : 0;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true };
  }

  private price(model: ResolvedModel, usage: Usage): number {
    return costMicros(
      { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedTokens: usage.cached_tokens ?? 0, cacheWriteTokens: usage.cache_write_tokens ?? 0 },
      model.price,
    );
  }

  private record(call: GatewayCall, status: number, errorCode: string | null, meter: CallMeter | null): Promise<void> {
    call.recorded = true;
    const latencyMs = performance.now() - call.t0;
    const m = call.model;
    const upstreamMs = meter?.upstreamMs ?? 0;
    const rec: UsageRecord = {
      id: call.id,
      ts: call.startedAt,
      tenant: call.attribution.tenant,
      team: call.attribution.team,
      agent: call.attribution.agent,
      keyId: call.principal.keyId,
      session: call.attribution.session,
      tags: call.attribution.tags,
      route: call.route,
      requestedModel: call.requestedModel,
      model: m?.name ?? '',
      provider: m?.provider ?? '',
      upstreamModel: m?.upstream ?? '',
      stream: call.stream,
      status,
      errorCode,
      inputTokens: meter?.usage.prompt_tokens ?? 0,
      outputTokens: meter?.usage.completion_tokens ?? 0,
      cachedTokens: meter?.usage.cached_tokens ?? 0,
      estimated: !!meter?.usage.estimated,
      ttftMs: meter?.ttftMs ?? null,
      latencyMs,
      upstreamMs,
      overheadMs: Math.max(0, latencyMs - upstreamMs),
      costMicros: meter?.costMicros ?? 0,
      finishReason: meter?.finishReason ?? null,
      cache: 'miss',
    };
    return this.opts.recorder.record(rec, this.opts.durability === 'strict' ? { wait: true } : undefined);
  }
}
