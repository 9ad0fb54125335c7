/**
 * Building an approval context from a gateway call, so the pipeline hands the service exactly what
 * the client asked (the request hash must match on the retry).
 */
import type { GatewayCall } from '../../gateway/call.js';
import type { ChatRequest, ChatResult, ToolCall } from '../../providers/types.js';
import type { ApprovalContext, GuardrailFlag } from './approval-types.js';

/** Optional facts the pipeline knows at the approval step. */
export interface ApprovalFacts {
  estimatedCostMicros?: number | undefined;
  guardrailFlags?: readonly GuardrailFlag[] | undefined;
  /** Post-call stage: the tool calls the model returned and the held answer. */
  toolCalls?: readonly ToolCall[] | undefined;
  result?: ChatResult | undefined;
}

/**
 * The approval context of a call: its key and attribution, the client's model name, messages,
 * tools and max_tokens.
 *
 * @example
 * ```ts
 * const ctx = approvalContextOf(call, req, { estimatedCostMicros: reservation.micros });
 * ```
 */
export function approvalContextOf(
  call: Pick<GatewayCall, 'principal' | 'attribution' | 'requestedModel'>,
  req: Pick<ChatRequest, 'messages' | 'tools' | 'max_tokens'>,
  facts: ApprovalFacts = {},
): ApprovalContext {
  const a = call.attribution;
  return {
    subject: { keyId: call.principal.keyId, tenant: a.tenant, team: a.team, agent: a.agent, session: a.session },
    request: { model: call.requestedModel, messages: req.messages, tools: req.tools, max_tokens: req.max_tokens },
    estimatedCostMicros: facts.estimatedCostMicros,
    guardrailFlags: facts.guardrailFlags,
    toolCalls: facts.toolCalls,
    result: facts.result,
  };
}
