/**
 * The Gateway: runs one model call through the pipeline and meters it (DESIGN.md §2).
 *
 * Per call: resolve the model (alias → spec model → provider) and check the key's and agent's
 * allow-lists → admission (kill switch, rate limits, budget reservation, declared tools, approval;
 * see `admission.ts`) → the upstream call through the resilient caller (retries, circuit breakers,
 * fallbacks) under the client's abort signal and the upstream timeout → tool-call governance on the
 * answer (streams hold tool calls until checked) → metering (provider usage, else a tiktoken
 * estimate flagged `estimated`; cost in micro-dollars) → settle limits and budgets → usage record.
 */
import { ClientClosedError, DacaError, ForbiddenError, InternalError, InvalidRequestError, ModelNotFoundError, UpstreamTimeoutError } from '../errors.js';
import { approvalContextOf } from '../guardrails/approvals/approval-context.js';
import { approvedResult, resultAsChunks } from '../guardrails/approvals/approval-apply.js';
import { holdToolCalls, assembledResult } from '../guardrails/tools/tool-call-stream.js';
import { toolBlockedError } from '../guardrails/tools/tool-policy.js';
import type { UsageRecorder } from '../metering/usage-recorder.js';
import type { CallContext, ChatChunk, ChatRequest, ChatResult, EmbeddingRequest, EmbeddingResult, ModelProvider, ToolCall } from '../providers/types.js';
import type { ModelCatalog, ResolvedModel } from '../spec/resolve.js';
import { finishRequestSpan, SpanKind } from '../telemetry/tracing/index.js';
import { admit, type Admission } from './admission.js';
import type { GatewayCall } from './call.js';
import type { GatewayGuards } from './guards.js';
import { downgradeFor } from './model-downgrades.js';
import { estimateUsage, priceUsage, usageRecordOf, type CallMeter } from './metering.js';
import type { CostOptimiser } from '../cost/optimiser.js';
import { assembleChunks, replayAsChunks } from '../cost/cache/replay.js';
import { cacheLookup, noteDowngrade, noteRouting, noteRoutingOutcome, optimiseRequestOf, settleRoutingSaving } from './cost-stage.js';
import { auditEntryOf } from './audit-entry.js';
import type { AuditEntry } from '../compliance/audit-types.js';
import type { RolloutRouter } from '../governance/rollout-router.js';
import type { RouteDecision } from '../governance/types.js';

export type { CallMeter } from './metering.js';

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
  /** Optional guard engines (limits, budgets, approvals, tools, resilience). */
  guards?: GatewayGuards;
  /** Called once per upstream attempt with its outcome (metrics of upstream health). */
  onUpstream?: (provider: string, ok: boolean) => void;
  /** The audit ledger: one `gateway_request` record per call. */
  audit?: AuditSink;
  /** Model governance: registry aliases and canary rollouts (see src/governance). */
  rollouts?: RolloutRouter;
  /** Caches and routing policies (absent when the spec uses neither). */
  cost?: CostOptimiser;
}

/** Where the gateway writes audit records (the ledger's append API). */
export interface AuditSink {
  append(e: AuditEntry): string;
  appendAndWait(e: AuditEntry): Promise<unknown>;
}

/** A streamed call: iterate `chunks`; `meter()` is final once iteration ends. */
export interface StreamingCall {
  model: ResolvedModel;
  chunks: AsyncIterable<ChatChunk>;
  meter(): CallMeter | null;
}

/** Runs calls through the pipeline; see the module comment. */
export class Gateway {
  private readonly guards: GatewayGuards;
  private rollouts: RolloutRouter | null;
  constructor(private readonly opts: GatewayOptions) {
    this.guards = opts.guards ?? {};
    this.guards.content?.attachGateway({ chat: (c, r) => this.chat(c, r), recordFailure: (c, e) => this.recordFailure(c, e) });
    this.rollouts = opts.rollouts ?? null;
  }

  /** Attaches (or, with null, detaches) the rollout router; takes effect on the next call. */
  useRollouts(router: RolloutRouter | null): void {
    this.rollouts = router;
  }

  /** True when the key and the agent may use `model` (requested under `asked`). */
  permits(call: GatewayCall, model: ResolvedModel, asked: string = model.name): boolean {
    const byKey = call.principal.models;
    if (byKey && !byKey.has(asked) && !byKey.has(model.name)) return false;
    const byAgent = this.opts.agentModels?.get(call.attribution.agent);
    return !byAgent || byAgent.has(asked) || byAgent.has(model.name);
  }

  /** Resolves a model name for a call and checks it may be used; sets `call.model`. */
  resolve(call: GatewayCall, kind: 'chat' | 'embedding', name: string = call.requestedModel): ResolvedModel {
    // Governance first: a registry alias or a running rollout may pick the version (O(1), no allocation).
    const routed = this.rollouts === null ? null : this.rollouts.route(call.attribution, name, call.id);
    const model = this.opts.catalog.resolve(routed === null ? name : routed.model);
    if (!model) throw new ModelNotFoundError(name, this.opts.catalog.ids());
    if (!this.permits(call, model, name)) {
      const byKey = call.principal.models;
      throw new ForbiddenError(
        byKey && !byKey.has(name) && !byKey.has(model.name)
          ? `this key may not use model '${name}'; allowed: ${[...byKey].join(', ')}`
          : `agent '${call.attribution.agent}' may not use model '${name}'; allowed: ${[...(this.opts.agentModels?.get(call.attribution.agent) ?? [])].join(', ')}`,
        { param: 'model' },
      );
    }
    if (model.type !== kind)
      throw new InvalidRequestError(`model '${name}' is ${model.type === 'embedding' ? 'an embedding' : 'a chat'} model; use ${model.type === 'embedding' ? '/v1/embeddings' : '/v1/chat/completions or /v1/messages'}`, { param: 'model' });
    if (!this.opts.providers.has(model.provider)) throw new InternalError(`provider '${model.provider}' of model '${model.name}' is not running`);
    call.model = model;
    if (routed !== null) this.applyRoute(call, kind, routed);
    return model;
  }

  /** A spend goal's downgrade in force for the call's scope (see {@link downgradeFor}) switches its model. */
  private applyDowngrade(call: GatewayCall, adm: Admission, model: ResolvedModel): void {
    if (adm.switchTo !== null || !this.guards.downgrades) return;
    const d = downgradeFor(this.guards.downgrades, call.attribution, model, { resolve: (n) => this.opts.catalog.resolve(n), usable: (to, name) => this.opts.providers.has(to.provider) && this.permits(call, to, name) });
    if (!d) return;
    adm.switchTo = d.to;
    adm.switchCause = { policy: 'goal', reason: d.reason };
    call.via.push('downgrade');
    call.reasons.push({ source: 'goal', name: d.owner, effect: 'modify', detail: `${d.reason}: routed to '${d.to}' (asked for '${model.name}')` });
  }

  /** Records a governance routing on the call (audit facts, the arm) and applies the version's pinned parameters. */
  private applyRoute(call: GatewayCall, kind: 'chat' | 'embedding', d: RouteDecision): void {
    call.via.push(d.via);
    call.reasons.push(d.reason);
    if (d.params !== null && kind === 'chat' && call.request) Object.assign(call.request as ChatRequest, d.params);
    this.rollouts!.assign(call.id, d);
  }

  /** One non-streaming chat completion. */
  async chat(call: GatewayCall, req: ChatRequest): Promise<{ result: ChatResult; meter: CallMeter }> {
    call.request = req;
    let model = this.resolve(call, 'chat');
    const asked = model;
    const adm = await admit(this.guards, call, req, model);
    if (adm.answer) return this.answerFromApproval(call, adm, adm.answer);
    this.applyDowngrade(call, adm, model);
    const opt = this.opts.cost;
    const r = opt ? optimiseRequestOf(call, model.name, req, adm.switchTo, adm.switchCause) : null;
    if (opt && r) {
      const hit = await cacheLookup(opt, call, r).catch(() => null);
      if (hit) {
        adm.release();
        const meter: CallMeter = { usage: hit.result.usage, costMicros: 0, ttftMs: performance.now() - call.t0, upstreamMs: 0, finishReason: hit.result.choices[0]?.finish_reason ?? null };
        settleRoutingSaving(call, asked, hit.result.usage, 0);
        return this.finishChat(call, req, { ...hit.result, choices: structuredClone(hit.result.choices) }, meter);
      }
    }
    const decision = opt && r ? opt.route(r) : null;
    const target = decision ? decision.model : adm.switchTo;
    if (target && target !== model.name) model = this.resolveOrRelease(call, adm, target);
    if (decision) noteRouting(call, r!.model, decision);
    else if (model !== asked) noteDowngrade(call, asked.name, model.name, adm.switchCause);
    const t = performance.now();
    let result: ChatResult;
    let costUsed: number | null = null;
    const timer = this.startTimeout(call);
    try {
      if (opt && r && decision?.verify) {
        const out = await opt.run(r, decision, async (name, rq) => {
          const m = this.resolve(call, 'chat', name);
          const res = await this.runUpstream(call, m, (x, ctx) => this.provider(x).chat({ ...rq, model: x.upstream }, ctx));
          return { result: res.value, costMicros: priceUsage(res.model, res.value.usage ?? estimateUsage(rq, '')) };
        });
        result = out.result;
        costUsed = out.costMicros;
        noteRoutingOutcome(call, out.decision);
        model = this.resolve(call, 'chat', out.model);
        if (out.tried.length > 1) call.reasons.push({ source: 'route', name: 'cascade', effect: 'modify', detail: out.tried.map((x) => `${x.model}: ${x.accepted ? 'accepted' : 'rejected'}${x.note ? ` (${x.note})` : ''}`).join('; ') });
      } else {
        const res = await this.runUpstream(call, model, (m, ctx) => this.provider(m).chat({ ...req, model: m.upstream }, ctx));
        result = res.value;
        model = res.model;
        call.model = model;
      }
    } catch (e) {
      adm.release();
      throw this.translate(call, e);
    } finally {
      clearTimeout(timer);
    }
    const upstreamMs = performance.now() - t;
    let usage = result.usage;
    if (!usage || (usage.prompt_tokens === 0 && usage.completion_tokens === 0)) usage = estimateUsage(req, result.choices.map((c) => c.message.content ?? '').join(''));
    const meter: CallMeter = { usage, costMicros: costUsed ?? priceUsage(model, usage), ttftMs: performance.now() - call.t0, upstreamMs, finishReason: result.choices[0]?.finish_reason ?? null };
    adm.settle(usage.total_tokens, meter.costMicros);
    settleRoutingSaving(call, asked, usage, meter.costMicros);
    if (opt && r) void opt.remember(r, structuredClone(result), { answeredBy: model.name, costMicros: meter.costMicros });
    return this.finishChat(call, req, result, meter);
  }

  /** Output governance (tool policy, content guardrails), then the usage record. */
  private async finishChat(call: GatewayCall, req: ChatRequest, result: ChatResult, meter: CallMeter): Promise<{ result: ChatResult; meter: CallMeter }> {
    try {
      result = await this.governResult(call, req, result);
      const content = this.guards.content;
      if (content?.output) {
        const checked = await content.checkOutput(call.attribution.agent, result, call);
        if (checked.reasons.length) call.reasons.push(...checked.reasons);
        result = checked.result;
      }
    } catch (e) {
      // The model was called and paid for: meter it with the refusal's status.
      if (e instanceof DacaError) await this.record(call, e.status, e.code, meter, e);
      throw e;
    }
    result.model = call.requestedModel;
    if (this.rollouts !== null) this.rollouts.observe(call, req, result.choices[0]?.message.content ?? '');
    await this.record(call, 200, null, meter);
    return { result, meter };
  }

  /**
   * A streaming chat completion. Admission runs before this resolves, so refusals get a real HTTP
   * status; metering, settlement and the usage record complete when iteration ends (normally,
   * with an error, or abandoned by a client that went away).
   */
  async chatStream(call: GatewayCall, req: ChatRequest): Promise<StreamingCall> {
    call.request = req;
    let model = this.resolve(call, 'chat');
    const asked = model;
    const adm = await admit(this.guards, call, req, model);
    if (!adm.answer) this.applyDowngrade(call, adm, model);
    let meter: CallMeter | null = null;
    const self = this;
    const opt = this.opts.cost;
    const r = opt && !adm.answer ? optimiseRequestOf(call, model.name, req, adm.switchTo, adm.switchCause) : null;
    let source: AsyncIterable<ChatChunk>;
    let hitCost = false;
    let cascadeCost: number | null = null;
    const collected: ChatChunk[] | null = opt && r && call.cacheDirective !== 'off' ? [] : null;
    if (adm.answer) source = fromArray(resultAsChunks(adm.answer, { usage: true }));
    else {
      const hit = opt && r ? await cacheLookup(opt, call, r).catch(() => null) : null;
      if (hit) {
        adm.release();
        hitCost = true;
        source = fromArray(replayAsChunks(hit.result, { usage: true }));
      } else {
        const decision = opt && r ? opt.route(r) : null;
        const target = decision ? decision.model : adm.switchTo;
        if (target && target !== model.name) model = this.resolveOrRelease(call, adm, target);
        if (decision) noteRouting(call, r!.model, decision);
        else if (model !== asked) noteDowngrade(call, asked.name, model.name, adm.switchCause);
        if (opt && r && decision?.verify) {
          // A cascade must see the whole answer before choosing it: run it, then replay it as a stream.
          const out = await opt.run(r, decision, async (name, rq) => {
            const m = this.resolve(call, 'chat', name);
            const res = await this.runUpstream(call, m, (x, ctx) => this.provider(x).chat({ ...rq, model: x.upstream }, ctx));
            return { result: res.value, costMicros: priceUsage(res.model, res.value.usage ?? estimateUsage(rq, '')) };
          }).catch((e: unknown) => {
            adm.release();
            throw this.translate(call, e);
          });
          noteRoutingOutcome(call, out.decision);
          cascadeCost = out.costMicros;
          model = this.resolve(call, 'chat', out.model);
          source = fromArray(replayAsChunks(out.result, { usage: true }));
        } else source = this.upstreamStream(call, req, model);
      }
    }
    const content = this.guards.content;
    if (content?.output && !adm.answer) source = content.filterStream(call.attribution.agent, source, (r) => call.reasons.push(...r), call);
    const governed = !adm.answer && this.governsToolCalls(call) ? holdToolCalls(source, (a) => this.governStreamedToolCalls(call, req, a.toolCalls, assembledResult(a))) : source;
    async function* run(): AsyncGenerator<ChatChunk> {
      const t = performance.now();
      let ttftMs: number | null = null;
      let usage: CallMeter['usage'] | null = null;
      let finishReason: string | null = null;
      let text = '';
      let failure: DacaError | null = null;
      try {
        for await (const chunk of governed) {
          if (collected) collected.push(chunk);
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
        failure = self.translate(call, e);
        throw failure;
      } finally {
        const upstreamMs = performance.now() - t;
        if (!usage || (usage.prompt_tokens === 0 && usage.completion_tokens === 0)) usage = estimateUsage(req, text);
        const m = call.model ?? model;
        meter = { usage, costMicros: adm.answer || hitCost ? 0 : (cascadeCost ?? priceUsage(m, usage)), ttftMs, upstreamMs, finishReason };
        adm.settle(usage.total_tokens, meter.costMicros);
        if (!adm.answer) settleRoutingSaving(call, asked, usage, meter.costMicros);
        if (collected && r && !failure && finishReason && !hitCost) {
          const whole = assembleChunks(collected);
          if (whole) void opt!.remember(r, whole, { answeredBy: m.name, costMicros: meter.costMicros });
        }
        // A generator abandoned by its consumer (client gone) also lands here: meter what was used.
        const closed = failure === null && finishReason === null;
        const status = failure ? failure.status : closed && call.signal.reason instanceof ClientClosedError ? 499 : 200;
        const code = failure ? failure.code : status === 499 ? 'client_closed_request' : null;
        await self.record(call, status, code, meter, failure ?? undefined);
      }
    }
    return { model, chunks: run(), meter: () => meter };
  }

  /** Embeddings. */
  async embed(call: GatewayCall, req: EmbeddingRequest): Promise<{ result: EmbeddingResult; meter: CallMeter }> {
    call.request = req;
    const model = this.resolve(call, 'embedding');
    const t = performance.now();
    let result: EmbeddingResult;
    const timer = this.startTimeout(call);
    try {
      result = (await this.runUpstream(call, model, (m, ctx) => this.provider(m).embed({ ...req, model: m.upstream }, ctx))).value;
    } catch (e) {
      throw this.translate(call, e);
    } finally {
      clearTimeout(timer);
    }
    const upstreamMs = performance.now() - t;
    let prompt = result.usage?.prompt_tokens ?? 0;
    let estimated = !!result.usage?.estimated;
    if (!prompt) {
      prompt = estimateUsage({ model: model.upstream, messages: [] }, '', req.input).prompt_tokens;
      estimated = true;
    }
    const usage = { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt, ...(estimated ? { estimated } : {}) };
    const meter: CallMeter = { usage, costMicros: priceUsage(model, usage), ttftMs: upstreamMs, upstreamMs, finishReason: null };
    result.model = call.requestedModel;
    await this.record(call, 200, null, meter);
    return { result, meter };
  }

  /** Records a call that failed before or during the upstream call (once per call). */
  async recordFailure(call: GatewayCall, err: DacaError): Promise<void> {
    if (!call.recorded) await this.record(call, err.status, err.code, null, err);
  }

  private provider(m: ResolvedModel): ModelProvider {
    return this.opts.providers.get(m.provider)!;
  }

  private resolveOrRelease(call: GatewayCall, adm: Admission, name: string): ResolvedModel {
    try {
      return this.resolve(call, 'chat', name);
    } catch (e) {
      adm.release();
      throw e;
    }
  }

  /** The whole-call upstream deadline (`server.upstream_timeout_ms`), across retries and fallbacks. */
  private startTimeout(call: GatewayCall): NodeJS.Timeout {
    const ms = this.opts.upstreamTimeoutMs;
    return setTimeout(() => call.abort(new UpstreamTimeoutError(`the upstream did not answer within ${ms} ms (server.upstream_timeout_ms)`)), ms);
  }

  /**
   * Runs an upstream attempt through the resilient caller when configured, else directly. Each
   * attempt gets a client span (its traceparent is forwarded upstream) and reports its outcome.
   */
  private async runUpstream<T>(call: GatewayCall, model: ResolvedModel, attempt: (m: ResolvedModel, ctx: CallContext) => Promise<T>): Promise<{ value: T; model: ResolvedModel }> {
    const traced = async (m: ResolvedModel, signal: AbortSignal): Promise<T> => {
      const up = call.span.child(`${call.route === 'embeddings' ? 'embeddings' : 'chat'} ${m.upstream}`, { 'gen_ai.provider.name': m.provider, 'gen_ai.request.model': m.upstream }, { kind: SpanKind.CLIENT });
      const tp = up.traceparent() ?? call.traceparent;
      const ctx: CallContext = tp ? { signal, requestId: call.id, traceparent: tp } : { signal, requestId: call.id };
      try {
        const v = await attempt(m, ctx);
        this.opts.onUpstream?.(m.provider, true);
        return v;
      } catch (e) {
        if (!(call.signal.reason instanceof ClientClosedError) && !(e instanceof DacaError && e.callerFault)) this.opts.onUpstream?.(m.provider, false);
        up.recordError(e);
        throw e;
      } finally {
        up.end();
      }
    };
    const r = this.guards.resilience;
    if (!r) return { value: await traced(model, call.signal), model };
    const out = await r.run(model.name, traced, { signal: call.signal, filter: (m) => this.permits(call, m) });
    if (out.model.name !== model.name) {
      call.via.push('fallback');
      call.reasons.push({ source: 'route', name: 'fallback', effect: 'modify', detail: `'${model.name}' failed (${out.attempts.filter((a) => a.error).map((a) => `${a.model}: ${a.error!.code}`).join(', ')}); answered by fallback '${out.model.name}'` });
    }
    return { value: out.value, model: out.model };
  }

  /** The upstream stream, started through the resilient caller (an attempt succeeds on its first chunk). */
  private async *upstreamStream(call: GatewayCall, req: ChatRequest, model: ResolvedModel): AsyncGenerator<ChatChunk> {
    const timer = this.startTimeout(call);
    try {
      const started = await this.runUpstream(call, model, async (m, ctx) => {
        const it = this.provider(m).chatStream({ ...req, model: m.upstream }, ctx)[Symbol.asyncIterator]();
        return { it, first: await it.next() };
      });
      call.model = started.model;
      const { it, first } = started.value;
      try {
        let r = first;
        while (!r.done) {
          yield r.value;
          r = await it.next();
        }
      } catch (e) {
        this.guards.resilience?.recordStreamFailure(started.model, e);
        throw e;
      } finally {
        await it.return?.(undefined);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private governsToolCalls(call: GatewayCall): boolean {
    const { tools, approvals } = this.guards;
    return !!tools?.governs(call.attribution.agent) || !!approvals?.rules.hasToolRules;
  }

  /** Tool governance on a complete answer: block, send for approval, or pass. */
  private async governResult(call: GatewayCall, req: ChatRequest, result: ChatResult): Promise<ChatResult> {
    const calls = result.choices[0]?.message.tool_calls;
    if (!calls?.length || !this.governsToolCalls(call)) return result;
    return (await this.decideToolCalls(call, req, calls, result)) ?? result;
  }

  private async governStreamedToolCalls(call: GatewayCall, req: ChatRequest, calls: ToolCall[], held: ChatResult): Promise<void | ChatChunk[]> {
    if (!calls.length) return;
    const approved = await this.decideToolCalls(call, req, calls, held);
    if (approved) return resultAsChunks(approved, { usage: false });
  }

  /** Returns an approver's replacement answer, null to pass the model's, or throws a refusal. */
  private async decideToolCalls(call: GatewayCall, req: ChatRequest, calls: readonly ToolCall[], result: ChatResult): Promise<ChatResult | null> {
    const { tools, approvals } = this.guards;
    let match: { ruleId: string; reason: string } | null = null;
    if (tools) {
      const v = tools.checkResult(call.attribution.agent, calls);
      if (v.action === 'block' || (v.action === 'approval' && !approvals)) throw toolBlockedError(v);
      if (v.action === 'approval') match = { ruleId: `tools:${v.policy}`, reason: v.reason };
    }
    if (!approvals) return null;
    const ctx = approvalContextOf(call, req, { toolCalls: calls, result });
    if (!match && approvals.rules.hasToolRules) match = approvals.evaluate(ctx);
    if (!match) return null;
    const a = await approvals.gate(ctx, match, call.approval);
    return approvedResult(a);
  }

  private async answerFromApproval(call: GatewayCall, adm: Admission, answer: ChatResult): Promise<{ result: ChatResult; meter: CallMeter }> {
    adm.release();
    const usage = answer.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const meter: CallMeter = { usage, costMicros: 0, ttftMs: performance.now() - call.t0, upstreamMs: 0, finishReason: answer.choices[0]?.finish_reason ?? null };
    const result = { ...answer, model: call.requestedModel };
    await this.record(call, 200, null, meter);
    return { result, meter };
  }

  /** Maps an error thrown while the upstream ran to the error the caller should get. */
  private translate(call: GatewayCall, e: unknown): DacaError {
    if (call.signal.aborted && call.signal.reason instanceof DacaError) return call.signal.reason;
    if (e instanceof DacaError) return e;
    return new InternalError(`provider failed unexpectedly: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }

  private record(call: GatewayCall, status: number, errorCode: string | null, meter: CallMeter | null, err?: DacaError): Promise<void> {
    call.recorded = true;
    const rec = usageRecordOf(call, status, errorCode, meter);
    finishRequestSpan(call.span, rec);
    const strict = this.opts.durability === 'strict';
    const usage = this.opts.recorder.record(rec, strict ? { wait: true } : undefined);
    const audit = this.opts.audit;
    if (!audit) return usage;
    const entry = auditEntryOf(call, rec, err);
    if (!strict) {
      audit.append(entry);
      return usage;
    }
    return Promise.all([usage, audit.appendAndWait(entry)]).then(() => undefined);
  }
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}
