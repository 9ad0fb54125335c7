/**
 * The vocabulary of human approvals: what is asked (context), why (match), and the stored record.
 */
import type { ChatMessage, ChatResult, ToolCall, ToolDefinition } from '../../providers/types.js';

/** Who asks: the key and attribution of the call. An approval is redeemable only by the same. */
export interface ApprovalSubject {
  keyId: string;
  tenant: string;
  team: string;
  agent: string;
  session: string | null;
}

/** The request as the client sent it (model = the requested name or alias). */
export interface ApprovalRequestView {
  model: string;
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[] | undefined;
  max_tokens?: number | undefined;
}

/** A content guardrail verdict asking for a human (a guardrail with `action: approve`). */
export interface GuardrailFlag {
  guardrail: string;
  reason: string;
}

/**
 * Everything an approval rule may look at. Without `toolCalls` it is the pre-call stage (cost,
 * risk, guardrails); with them, the post-call stage (rules with `tools`).
 */
export interface ApprovalContext {
  subject: ApprovalSubject;
  request: ApprovalRequestView;
  /** The call's estimated cost, micro-dollars (cost rules do not match without it). */
  estimatedCostMicros?: number | undefined;
  guardrailFlags?: readonly GuardrailFlag[] | undefined;
  /** The tool calls the model returned (post-call stage). */
  toolCalls?: readonly ToolCall[] | undefined;
  /** The model's answer held back for approval (post-call stage); replayed once approved. */
  result?: ChatResult | undefined;
}

/** Why a context needs approval. */
export interface ApprovalMatch {
  /** The rule id, or `tools:<policy>` when a tool policy asked. */
  ruleId: string;
  reason: string;
  /** Overrides the section's `expire_after`. */
  expireAfterMs?: number | undefined;
}

/** The state of an approval. `expired` is an automatic rejection. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** What an approver may change when approving. */
export interface ApprovalModifications {
  /** Run on this model (or alias) instead (pre-call approvals). */
  model?: string;
  /** Cap the answer at this many tokens (pre-call approvals). */
  max_tokens?: number;
  /** New arguments for returned tool calls, by tool-call id (post-call approvals). */
  tool_calls?: { id: string; arguments: string }[];
}

/** A stored approval. Times are ms since the epoch. */
export interface Approval {
  id: string;
  status: ApprovalStatus;
  stage: 'request' | 'tool_calls';
  ruleId: string;
  reason: string;
  subject: ApprovalSubject;
  /** The requested model or alias. */
  model: string;
  /** sha256 of the canonical JSON of model + messages + tools. */
  requestHash: string;
  request: ApprovalRequestView;
  /** The held answer of a post-call approval. */
  result: ChatResult | null;
  estimatedCostMicros: number | null;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
  /** The approver's name (or `system:expiry`). */
  decidedBy: string | null;
  /** The key the decision was made with. */
  decidedKey: string | null;
  note: string | null;
  modifications: ApprovalModifications | null;
  /** When the approval was redeemed (it is single-use). */
  consumedAt: number | null;
}

/** A decision of an approver. */
export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  /** Who decided (name), and with which key. */
  approver: { name: string; keyId: string };
  note?: string | undefined;
  modifications?: ApprovalModifications | undefined;
}

/** Filter for listing approvals; newest first. */
export interface ApprovalFilter {
  status?: ApprovalStatus;
  agent?: string;
  tenant?: string;
  limit?: number;
}
