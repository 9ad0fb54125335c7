/**
 * How agents reach models: always through the gateway pipeline, under the agent's identity.
 *
 * In-process (`GatewayModelClient`) the runtime builds a `GatewayCall` itself and calls
 * `Gateway.chat` directly: the same admission (kill switch, rate limits, budgets, guardrails,
 * approvals), routing, metering and usage record as `/v1/chat/completions`, minus the HTTP hop,
 * JSON encoding and key lookup (the runtime is trusted; the agent identity comes from the spec).
 * A team's own process (`HttpModelClient`) uses `/v1/chat/completions` with its key.
 */
import { DacaError } from '../errors.js';
import { newRequestId, type GatewayCall } from '../gateway/call.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Attribution, Principal } from '../identity/principal.js';
import type { ChatRequest } from '../providers/types.js';
import { requestSpanName, requestStartAttributes, NOOP_TRACER, type Tracer } from '../telemetry/tracing/index.js';
import type { ModelChatRequest, ModelChatResult } from './define-agent.js';

/** The identity a model call runs under. */
export interface AgentIdentity {
  tenant: string;
  team: string;
  agent: string;
  /** Instance id, recorded as the call's session. */
  session: string | null;
}

/** Per-call context. */
export interface ModelCallOptions {
  signal?: AbortSignal | undefined;
  traceparent?: string | undefined;
}

/** Sends an agent's chat request through the gateway. */
export interface AgentModelClient {
  chat(who: AgentIdentity, req: ModelChatRequest & { model: string }, opts?: ModelCallOptions): Promise<ModelChatResult>;
}

/** In-process client: calls `Gateway.chat` with a call built for the agent (see module comment). */
export class GatewayModelClient implements AgentModelClient {
  constructor(private readonly gateway: Gateway, private readonly tracer: Tracer = NOOP_TRACER) {}

  /** One chat completion as `who`. Gateway refusals throw their typed `DacaError`. */
  async chat(who: AgentIdentity, req: ModelChatRequest & { model: string }, opts: ModelCallOptions = {}): Promise<ModelChatResult> {
    const call = this.call(who, req.model, opts);
    const chat: ChatRequest = { model: req.model, messages: req.messages };
    if (req.tools?.length) chat.tools = req.tools;
    if (req.temperature !== undefined) chat.temperature = req.temperature;
    if (req.max_tokens !== undefined) chat.max_tokens = req.max_tokens;
    try {
      const { result, meter } = await this.gateway.chat(call, chat);
      const choice = result.choices[0];
      return {
        text: choice?.message.content ?? '',
        model: call.model?.name ?? req.model,
        usage: { inputTokens: meter.usage.prompt_tokens, outputTokens: meter.usage.completion_tokens, costMicros: meter.costMicros },
        finishReason: choice?.finish_reason ?? null,
        toolCalls: (choice?.message.tool_calls ?? []).map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.function.name, arguments: t.function.arguments } })),
      };
    } catch (e) {
      if (e instanceof DacaError) await this.gateway.recordFailure(call, e).catch(() => {});
      throw e;
    }
  }

  private call(who: AgentIdentity, model: string, opts: ModelCallOptions): GatewayCall {
    const principal: Principal = { keyId: `agent:${who.agent}`, role: 'agent', tenant: who.tenant, team: who.team, agent: who.agent, models: null, dev: false };
    const attribution: Attribution = { tenant: who.tenant, team: who.team, agent: who.agent, session: who.session, tags: {} };
    const id = newRequestId();
    const t0 = performance.now();
    const ac = new AbortController();
    const abort = (reason: DacaError): void => {
      if (!ac.signal.aborted) ac.abort(reason);
    };
    if (opts.signal) {
      if (opts.signal.aborted) ac.abort(opts.signal.reason);
      else opts.signal.addEventListener('abort', () => ac.abort(opts.signal!.reason), { once: true });
    }
    const span = this.tracer.startRequestSpan(requestSpanName('chat', model), {
      traceparent: opts.traceparent,
      startTimeMs: performance.timeOrigin + t0,
      attributes: () => requestStartAttributes({ id, route: 'chat', requestedModel: model, stream: false, ...attribution }),
    });
    return {
      id, startedAt: Date.now(), t0, route: 'chat', principal, attribution, signal: ac.signal, abort,
      traceparent: opts.traceparent, span, stream: false, requestedModel: model, model: null, recorded: false, approval: {},
      reasons: [], via: [], dataSubject: undefined, cacheDirective: 'default', cache: 'miss',
    };
  }
}

/** Client for a team's own process: `POST <dacaUrl>/v1/chat/completions` with its key. */
export class HttpModelClient implements AgentModelClient {
  constructor(private readonly dacaUrl: string, private readonly key: string) {}

  /** One chat completion; daca's error body becomes an `Error` with its code. */
  async chat(who: AgentIdentity, req: ModelChatRequest & { model: string }, opts: ModelCallOptions = {}): Promise<ModelChatResult> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, 'content-type': 'application/json', 'x-daca-agent': who.agent };
    if (who.session) headers['x-daca-session'] = who.session;
    if (opts.traceparent) headers.traceparent = opts.traceparent;
    const r = await fetch(`${this.dacaUrl.replace(/\/+$/, '')}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(req), signal: opts.signal ?? null });
    const body = (await r.json()) as {
      model?: string;
      choices?: { message?: { content?: string | null; tool_calls?: ModelChatResult['toolCalls'] }; finish_reason?: string | null }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
      error?: { code?: string; message?: string };
    };
    if (!r.ok) throw Object.assign(new Error(body.error?.message ?? `daca answered ${r.status}`), { code: body.error?.code ?? 'upstream_error', status: r.status });
    const cost = Number(r.headers.get('x-daca-cost-usd') ?? '0');
    return {
      text: body.choices?.[0]?.message?.content ?? '',
      model: r.headers.get('x-daca-model') ?? body.model ?? req.model,
      usage: { inputTokens: body.usage?.prompt_tokens ?? 0, outputTokens: body.usage?.completion_tokens ?? 0, costMicros: Math.round(cost * 1e6) },
      finishReason: body.choices?.[0]?.finish_reason ?? null,
      toolCalls: body.choices?.[0]?.message?.tool_calls ?? [],
    };
  }
}
