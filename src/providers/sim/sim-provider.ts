/**
 * The built-in `sim` provider (DESIGN.md §7): a deterministic, offline stand-in for real models.
 *
 * - Replies are a pure function of the provider seed, the model id and the request content, so the
 *   same request always gets the same text and token counts (see `respond.ts`).
 * - Usage is tiktoken-accurate: `prompt_tokens = countChatTokens(messages, tools)` and
 *   `completion_tokens` = the tokens of the generated text (or of the tool call's name + arguments).
 * - Latency: TTFT and tokens/second from the model, else the provider; 0/0 means no timer at all.
 * - Failures: spec `failures` rates, drawn from the seed and a per-provider call counter, or forced
 *   per request by `[sim:fail=…]` markers (see `markers.ts` for every marker).
 * - Quality: with a task difficulty (`[sim:difficulty=…]` or `extra.metadata.difficulty`) the
 *   model's `capability` decides success via {@link simSucceeds}; a failed task gets a plausible
 *   wrong answer, a solved one contains `[sim:answer=…]`.
 * - Scripts (`scripts` in the spec) answer matching last user messages (regex, case-insensitive).
 *
 * Not simulated: `n > 1` (always one choice), `stop` sequences, logprobs; tool-call arguments are
 * never cut by `max_tokens`.
 */
import { InvalidRequestError, ModelNotFoundError } from '../../errors.js';
import { countChatTokens, countTextTokens, decodeTokens } from '../../metering/tokenizer.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import type { CallContext, ChatChunk, ChatRequest, ChatResult, EmbeddingRequest, EmbeddingResult, ModelProvider, Usage } from '../types.js';
import { DEFAULT_SIM_DIMENSIONS, embedText } from './embeddings.js';
import { drawFailure, hangUntilAborted, malformedError, statusError } from './failures.js';
import type { SimFailure } from './failures.js';
import { hashString, mix32 } from './hash.js';
import { parseSimMarkers } from './markers.js';
import type { SimMarkers } from './markers.js';
import { checkAborted, isPaced, timerSleep, tokenOffsetMs, waitUntil } from './pacing.js';
import type { Pacer, SleepFn } from './pacing.js';
import { planReply } from './respond.js';
import type { CompiledScript } from './respond.js';
import { streamReply } from './stream.js';

/** Per-model settings of a sim model (a subset of the spec's model entry). */
export interface SimModelSettings {
  /** Defaults to `chat`. */
  type?: 'chat' | 'embedding';
  /** Quality in [0,1]; default 0.7. */
  capability?: number;
  ttft_ms?: number;
  tokens_per_second?: number;
  /** Embedding size; default 256. */
  dimensions?: number;
}

/** Injectable clock and sleep, so tests control time. */
export interface SimProviderOptions {
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** Abort-aware sleep; default a timer. */
  sleep?: SleepFn;
}

interface PreparedCall {
  settings: SimModelSettings;
  markers: SimMarkers;
  failure: SimFailure | null;
  pacer: Pacer;
  counter: number;
}

/** The simulated provider. Create it with {@link createSimProvider}. */
export class SimProvider implements ModelProvider {
  readonly kind = 'sim' as const;
  private readonly scripts: CompiledScript[];
  private readonly now: () => number;
  private readonly sleep: SleepFn;
  private counter = 0;

  constructor(
    readonly name: string,
    private readonly spec: SimProviderSpec,
    private readonly models: Readonly<Record<string, SimModelSettings>>,
    opts: SimProviderOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? timerSleep;
    this.scripts = (spec.scripts ?? []).map((s, i) => {
      let match: RegExp;
      try {
        match = new RegExp(s.match, 'i');
      } catch (e) {
        throw new InvalidRequestError(`sim provider '${name}': scripts[${i}].match is not a valid regular expression: ${s.match}`, { cause: e });
      }
      const script: CompiledScript = { match };
      if (s.reply !== undefined) script.reply = s.reply;
      if (s.tool_call) script.toolCall = { name: s.tool_call.name, arguments: s.tool_call.arguments ?? {} };
      return script;
    });
  }

  /** Calls made so far (the failure draw of call n uses counter n). */
  get callCount(): number {
    return this.counter;
  }

  private settingsFor(model: string, type: 'chat' | 'embedding'): SimModelSettings {
    const settings = this.models[model];
    if (!settings) throw new ModelNotFoundError(model, Object.keys(this.models));
    if ((settings.type ?? 'chat') !== type) {
      throw new InvalidRequestError(`sim model '${model}' is a ${settings.type ?? 'chat'} model and cannot serve ${type} requests`, { param: 'model' });
    }
    return settings;
  }

  private prepare(model: string, type: 'chat' | 'embedding', markers: SimMarkers, ctx: CallContext): PreparedCall {
    const counter = this.counter++;
    const settings = this.settingsFor(model, type);
    const ttftMs = markers.ttftMs ?? settings.ttft_ms ?? this.spec.ttft_ms ?? 0;
    const tokensPerSecond = markers.tokensPerSecond ?? settings.tokens_per_second ?? this.spec.tokens_per_second ?? 0;
    const pacer: Pacer = { provider: this.name, signal: ctx.signal, now: this.now, sleep: this.sleep, ttftMs, tokensPerSecond, t0: 0 };
    if (isPaced(pacer)) pacer.t0 = this.now();
    const failure = drawFailure(this.spec.failures, this.spec.seed, counter, markers);
    checkAborted(pacer);
    return { settings, markers, failure, pacer, counter };
  }

  /** Throws the injected failure (hanging first for timeouts); `malformed` is left to the caller. */
  private async failFast(call: PreparedCall): Promise<void> {
    const f = call.failure;
    if (!f) return;
    if (f.kind === 'status') throw statusError(this.name, f.status);
    if (f.kind === 'timeout') await hangUntilAborted(this.name, call.pacer.signal);
  }

  private meta(call: PreparedCall, req: ChatRequest, ctx: CallContext): { id: string; created: number; model: string } {
    const h = mix32(call.counter ^ hashString(ctx.requestId, this.spec.seed));
    return { id: `chatcmpl-sim${call.counter.toString(36)}${h.toString(36)}`, created: Math.floor(this.now() / 1000), model: req.model };
  }

  private plan(req: ChatRequest, call: PreparedCall): { plan: ReturnType<typeof planReply>; usage: Usage } {
    const plan = planReply(req, { seed: this.spec.seed, capability: call.settings.capability, markers: call.markers, scripts: this.scripts });
    const prompt = countChatTokens(req.messages, req.tools, req.model);
    return { plan, usage: { prompt_tokens: prompt, completion_tokens: plan.completionTokens, total_tokens: prompt + plan.completionTokens } };
  }

  /** One full chat completion. */
  async chat(req: ChatRequest, ctx: CallContext): Promise<ChatResult> {
    const call = this.prepare(req.model, 'chat', parseSimMarkers(req.messages), ctx);
    await this.failFast(call);
    const { plan, usage } = this.plan(req, call);
    if (isPaced(call.pacer)) await waitUntil(call.pacer, call.pacer.ttftMs + tokenOffsetMs(call.pacer, plan.completionTokens));
    if (call.failure?.kind === 'malformed') throw malformedError(this.name);
    const message: ChatResult['choices'][number]['message'] = { role: 'assistant', content: plan.content, refusal: null };
    if (plan.toolCalls) message.tool_calls = plan.toolCalls;
    return { ...this.meta(call, req, ctx), choices: [{ index: 0, message, finish_reason: plan.finishReason }], usage };
  }

  /** A streamed chat completion (see `stream.ts` for the chunk sequence). Errors surface on the first `next()`. */
  chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatChunk> {
    let call: PreparedCall | undefined;
    let error: unknown;
    try {
      call = this.prepare(req.model, 'chat', parseSimMarkers(req.messages), ctx);
    } catch (e) {
      error = e;
    }
    return this.runStream(req, ctx, call, error);
  }

  private async *runStream(req: ChatRequest, ctx: CallContext, call: PreparedCall | undefined, error: unknown): AsyncGenerator<ChatChunk> {
    if (!call) throw error;
    await this.failFast(call);
    const { plan, usage } = this.plan(req, call);
    yield* streamReply(plan, usage, this.meta(call, req, ctx), call.pacer, call.failure?.kind === 'malformed');
  }

  /** Deterministic bag-of-words embeddings (see `embeddings.ts`). */
  async embed(req: EmbeddingRequest, ctx: CallContext): Promise<EmbeddingResult> {
    const call = this.prepare(req.model, 'embedding', {}, ctx);
    await this.failFast(call);
    if (call.failure?.kind === 'malformed') throw malformedError(this.name);
    const dims = req.dimensions ?? call.settings.dimensions ?? DEFAULT_SIM_DIMENSIONS;
    const input = req.input;
    let texts: string[];
    let tokens = 0;
    if (typeof input === 'string') texts = [input];
    else if (input.length === 0) throw new InvalidRequestError('input must not be empty', { param: 'input' });
    else if (typeof input[0] === 'string') texts = input as string[];
    else {
      const arrays = typeof input[0] === 'number' ? [input as number[]] : (input as number[][]);
      texts = arrays.map((a) => decodeTokens(a, req.model));
      tokens = arrays.reduce((n, a) => n + a.length, 0);
    }
    if (typeof input === 'string' || typeof input[0] === 'string') for (const t of texts) tokens += countTextTokens(t, req.model);
    if (call.pacer.ttftMs > 0) await waitUntil(call.pacer, call.pacer.ttftMs);
    return { model: req.model, data: texts.map((t, index) => ({ index, embedding: embedText(t, dims) })), usage: { prompt_tokens: tokens, total_tokens: tokens } };
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}

/**
 * Creates a sim provider from its spec entry and its models (keyed by upstream model id).
 *
 * @example
 * ```ts
 * const sim = createSimProvider('sim', spec.providers.sim, { 'sim-small': { capability: 0.5 } });
 * const r = await sim.chat({ model: 'sim-small', messages: [{ role: 'user', content: 'Hello team' }] },
 *   { signal: new AbortController().signal, requestId: 'r1' });
 * ```
 */
export function createSimProvider(
  name: string,
  spec: SimProviderSpec,
  models: Record<string, SimModelSettings>,
  opts: SimProviderOptions = {},
): SimProvider {
  return new SimProvider(name, spec, models, opts);
}

