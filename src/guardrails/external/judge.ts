/**
 * The LLM-judge guardrail: asks a declared model, through the gateway itself, whether content
 * passes a rubric. The call is metered and attributed to the calling agent with the tag
 * `guardrail=<name>`, and runs the gateway's admission (budgets, rate limits) like any other call.
 * The model answers `{ "verdict": "allow"|"block", "reason": "…" }` (`response_format: json_schema`).
 */
import { newRequestId, type GatewayCall } from '../../gateway/call.js';
import { DacaError } from '../../errors.js';
import type { ChatRequest } from '../../providers/types.js';
import { NOOP_SPAN } from '../../telemetry/tracing/index.js';
import type { JudgeGuardrailSpec } from './external-spec.js';
import type { ExternalGuardrail, ExternalSubject, ExternalVerdict, GatewayChat } from './types.js';

const VERDICT_SCHEMA = {
  name: 'guardrail_verdict',
  strict: true,
  schema: {
    type: 'object',
    properties: { verdict: { type: 'string', enum: ['allow', 'block'] }, reason: { type: 'string' } },
    required: ['verdict', 'reason'],
    additionalProperties: false,
  },
};

const INSTRUCTIONS =
  '\n\nYou are a content guardrail. Judge the content in the user message against the rubric above. ' +
  'Answer only with JSON: {"verdict": "allow" | "block", "reason": "<one sentence>"}.';

/** The text a judge sees: the transcript of an input, or an answer's text. */
export function judgedText(subject: ExternalSubject): string {
  if (subject.direction === 'output') return subject.text;
  return subject.messages
    .map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => (p.type === 'text' ? (p as { text?: string }).text ?? '' : `[${p.type}]`)).join('\n')}`)
    .join('\n');
}

/** The internal gateway call of a judge, under the caller's identity with `guardrail=<name>`. */
function judgeCall(caller: GatewayCall, name: string, model: string, timeoutMs: number): GatewayCall {
  const ac = new AbortController();
  const signal = AbortSignal.any([caller.signal, ac.signal, AbortSignal.timeout(timeoutMs)]);
  return {
    id: newRequestId(), startedAt: Date.now(), t0: performance.now(), route: 'chat',
    principal: caller.principal,
    attribution: { ...caller.attribution, tags: { ...caller.attribution.tags, guardrail: name } },
    signal,
    abort: (reason: DacaError) => {
      if (!ac.signal.aborted) ac.abort(reason);
    },
    traceparent: undefined, span: NOOP_SPAN, stream: false, requestedModel: model, model: null, recorded: false, approval: {},
    reasons: [], via: [], dataSubject: undefined, cacheDirective: 'off', cache: 'miss',
  };
}

/**
 * Builds a judge guardrail. `chat` reaches the gateway (bound late: the gateway is built after its
 * guards); `internal` receives each judge call so the content guard skips external guardrails on it
 * (a judge must not judge itself).
 */
export function judgeGuardrail(spec: JudgeGuardrailSpec, chat: () => GatewayChat | null, internal: WeakSet<GatewayCall>, recordFailure?: () => ((call: GatewayCall, e: DacaError) => Promise<void>) | null): ExternalGuardrail {
  return {
    name: spec.name,
    direction: spec.direction,
    onError: spec.on_error,
    agents: spec.agents ? new Set(spec.agents) : null,
    async check(caller: GatewayCall, subject: ExternalSubject): Promise<ExternalVerdict> {
      const send = chat();
      if (!send) throw new Error(`judge guardrail '${spec.name}': no gateway attached`);
      const call = judgeCall(caller, spec.name, spec.model, spec.timeout_ms);
      internal.add(call);
      const req: ChatRequest = {
        model: spec.model,
        temperature: 0,
        messages: [
          { role: 'system', content: spec.rubric + INSTRUCTIONS },
          { role: 'user', content: judgedText(subject) },
        ],
        response_format: { type: 'json_schema', json_schema: VERDICT_SCHEMA },
      };
      let text: string;
      try {
        const { result } = await send(call, req);
        text = result.choices[0]?.message.content ?? '';
      } catch (e) {
        if (e instanceof DacaError) await recordFailure?.()?.(call, e).catch(() => {});
        throw e;
      }
      const v = JSON.parse(text) as { verdict?: unknown; reason?: unknown };
      if (v.verdict !== 'allow' && v.verdict !== 'block') throw new Error(`judge guardrail '${spec.name}': the model answered no verdict`);
      return { action: v.verdict, reason: typeof v.reason === 'string' ? v.reason : undefined };
    },
  };
}
