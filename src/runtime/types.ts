/**
 * Types shared by the agent runtime and the mesh: what a hosted agent looks like, the message an
 * agent receives (A2A-shaped, protocol-neutral), and its reply. The mesh imports these; keep them
 * free of runtime dependencies.
 */

/** A JSON value (what `data` parts and durable state carry). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A text part of a message. */
export interface TextPart {
  /** Discriminator. */
  kind: 'text';
  /** The text. */
  text: string;
}

/** A structured data part of a message. */
export interface DataPart {
  /** Discriminator. */
  kind: 'data';
  /** Any JSON object. */
  data: { [key: string]: JsonValue };
}

/** One part of an agent message. */
export type MessagePart = TextPart | DataPart;

/** A message delivered to an agent (A2A `Message` without transport details). */
export interface AgentMessage {
  /** Who speaks: a user (or caller) or another agent. */
  role: 'user' | 'agent';
  /** Message content. */
  parts: MessagePart[];
  /** A2A context (conversation) id; also used as the default instance id of a durable agent. */
  contextId?: string;
  /** A2A task id when the message continues a task. */
  taskId?: string;
  /** Free-form metadata. */
  metadata?: { [key: string]: JsonValue };
}

/** Final states an agent turn can end in (A2A task states). */
export type AgentReplyState =
  | 'completed'
  | 'failed'
  | 'input-required'
  | 'rejected'
  | 'canceled'
  | 'auth-required';

/** Token usage and cost of one agent turn (sum of its model calls). */
export interface AgentUsage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
  /** Cost in integer micro-dollars. */
  costMicros: number;
  /** Number of model calls made in the turn. */
  modelCalls: number;
}

/** An agent's reply to one message. */
export interface AgentReply {
  /** Reply content. */
  parts: MessagePart[];
  /** How the turn ended. */
  state: AgentReplyState;
  /** Usage of the turn, when the agent made model calls. */
  usage?: AgentUsage;
  /** Error description when `state` is `failed`. */
  error?: { code: string; message: string };
}

/** A streaming event emitted during an agent turn. */
export type AgentEvent =
  | { kind: 'status'; state: 'working' | AgentReplyState; text?: string }
  | { kind: 'delta'; text: string }
  | { kind: 'reply'; reply: AgentReply };

/** A skill an agent declares (A2A `AgentSkill`-shaped). */
export interface AgentSkillInfo {
  /** Stable skill id. */
  id: string;
  /** Human name. */
  name: string;
  /** What the skill does (routing matches on it). */
  description?: string;
  /** Example requests. */
  examples?: string[];
  /** Tags. */
  tags?: string[];
}

/** An agent this node hosts. */
export interface HostedAgent {
  /** Agent type name (the A2A path segment, `/a2a/<name>/`). */
  name: string;
  /** One-line description. */
  description: string;
  /** Declared skills. */
  skills: AgentSkillInfo[];
  /** `prompt` (declared in the spec) or `code` (defined with `defineAgent`). */
  kind: 'prompt' | 'code';
  /** Whether turns run durably on Restate (virtual object per type, keyed by id). */
  durable: boolean;
  /** Whether `AgentHost.stream` is supported for this agent. */
  streaming: boolean;
  /** Declared instance bounds (for the mesh's placement and registry). */
  instances: { min: number; max: number };
  /** Agent version (spec or code). */
  version: string;
}

/** Per-call options the mesh passes to the runtime. */
export interface InvokeOptions {
  /** Aborts the turn (client went away, deadline, `tasks/cancel`). */
  signal?: AbortSignal;
  /** The calling principal (agent name, or a key's agent / user), for attribution and audit. */
  caller?: string;
  /** W3C traceparent of the incoming hop. */
  traceparent?: string;
  /** Absolute deadline (epoch ms) the turn must finish by. */
  deadlineMs?: number;
  /** Tenant the call runs under (defaults to the agent's tenant in the spec). */
  tenant?: string;
  /** Idempotency key for durable agents (retries of the same call run once). */
  idempotencyKey?: string;
  /**
   * The operator's own call (the spec's declared patterns), not an agent's: the mesh applies no
   * `mesh.policies` or tenant check to it (they govern agents calling agents).
   */
  asOperator?: boolean;
}
