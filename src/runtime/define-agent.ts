/**
 * `defineAgent`: the typed SDK for agents written in TypeScript. The same definition runs
 * in-process (fast path, state in memory) or durably on Restate (`durable: true`: one virtual
 * object per agent type, keyed by instance id, state persisted after every turn).
 */
import type { AgentToolInfo } from './agent-tools.js';
import type { AgentMessage, AgentReply, AgentSkillInfo, AgentUsage, JsonValue, MessagePart } from './types.js';

/** A tool call the model asked for (OpenAI shape: `arguments` is a JSON text). */
export interface ModelToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A tool the model may call (OpenAI `tools` entry). */
export interface ModelTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** One message of a chat request (OpenAI shape). */
export interface ModelChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: ModelToolCall[];
}

/** A chat request an agent sends through the gateway (model defaults to the agent's alias). */
export interface ModelChatRequest {
  /** A declared model or alias (default: the agent's `prompt.model`, else `default`). */
  model?: string;
  /** OpenAI-shaped messages. */
  messages: ModelChatMessage[];
  /** Tools the model may call (e.g. from `ctx.tools.list()`). */
  tools?: ModelTool[];
  temperature?: number;
  max_tokens?: number;
}

/** The answer of one model call. */
export interface ModelChatResult {
  /** The assistant's text. */
  text: string;
  /** The model that answered. */
  model: string;
  /** Token counts and cost (micro-dollars). */
  usage: { inputTokens: number; outputTokens: number; costMicros: number };
  /** Finish reason. */
  finishReason: string | null;
  /** Tool calls the model asked for (empty when it answered in text). */
  toolCalls: ModelToolCall[];
}

/** What a handler can do during one turn. */
export interface AgentContext<S> {
  /** Agent type. */
  readonly agent: string;
  /** Instance id (`type:id`). */
  readonly id: string;
  /** Who sent the message (agent name or key's principal), when known. */
  readonly caller: string | undefined;
  /** The instance's state; mutate it or assign a new value; persisted at the end of the turn. */
  state: S;
  /** Calls another agent through the mesh (journaled once when durable). */
  callAgent(type: string, id: string | undefined, message: AgentMessage | string): Promise<AgentReply>;
  /** Model calls through the gateway under this agent's identity (metered, budgeted, guarded). */
  readonly model: { chat(req: ModelChatRequest): Promise<ModelChatResult> };
  /**
   * Tools from the node's MCP servers (`mesh.mcp_servers`): `list()` the ones this agent may see;
   * `call()` runs one after governance (the spec's `tools:` allow-lists, argument schemas and
   * approvals; a refusal throws) and is journaled once when durable.
   */
  readonly tools: {
    list(): Promise<AgentToolInfo[]>;
    call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
  };
  /** Waits durably (a Restate timer when durable). */
  sleep(ms: number): Promise<void>;
  /** A reminder: delivers `message` to this instance's `handler` after `delayMs`. */
  schedule(delayMs: number, handler: string, message: AgentMessage | string): Promise<void>;
  /** Runs a side effect once (journaled when durable) and returns its JSON result. */
  run<T extends JsonValue | void>(name: string, fn: () => Promise<T> | T): Promise<T>;
}

/** What a handler may return: a full reply, text, parts, or nothing (empty completed reply). */
export type HandlerResult = AgentReply | string | MessagePart[] | void;

/**
 * A turn handler. (Declared as a method so definitions with a specific state type can be
 * registered where any state is accepted.)
 */
export type AgentHandler<S> = { handle(ctx: AgentContext<S>, message: AgentMessage): Promise<HandlerResult> | HandlerResult }['handle'];

/** An agent definition. */
export interface AgentDefinition<S = JsonValue> {
  /** Agent type name (`/a2a/<name>/`). */
  name: string;
  /** One line on what it does. */
  description?: string;
  /** Declared skills (strings become `{ id, name }`). */
  skills: AgentSkillInfo[];
  /** Initial state of a new instance (JSON). */
  state: S;
  /** Durable on Restate (default false: in-process). */
  durable: boolean;
  /** Version string (default `1`). */
  version: string;
  /** Default model alias of `ctx.model.chat`. */
  model?: string;
  /** Tenant/team the agent's model calls are attributed to (default: the spec's agent entry, else `default`). */
  team?: string;
  /** Instance bounds. */
  instances: { min: number; max: number };
  /** Handlers; `onMessage` receives messages from the mesh. */
  handlers: { onMessage: AgentHandler<S> } & Record<string, AgentHandler<S>>;
}

/** Input of `defineAgent`. */
export interface DefineAgentInput<S> {
  name: string;
  description?: string;
  skills?: (string | AgentSkillInfo)[];
  state?: S;
  durable?: boolean;
  version?: string;
  model?: string;
  team?: string;
  instances?: { min: number; max: number };
  handlers: { onMessage: AgentHandler<S> } & Record<string, AgentHandler<S>>;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Defines an agent.
 *
 * @example
 * ```ts
 * const counter = defineAgent({
 *   name: 'counter',
 *   skills: ['count things'],
 *   state: { n: 0 },
 *   durable: true,
 *   handlers: {
 *     async onMessage(ctx, msg) {
 *       ctx.state.n += 1;
 *       return `seen ${ctx.state.n} messages`;
 *     },
 *   },
 * });
 * ```
 */
export function defineAgent<S = JsonValue>(def: DefineAgentInput<S>): AgentDefinition<S> {
  if (!NAME.test(def.name)) throw new TypeError(`agent name '${def.name}' must match ${NAME}`);
  if (typeof def.handlers?.onMessage !== 'function') throw new TypeError(`agent '${def.name}' needs handlers.onMessage`);
  const out: AgentDefinition<S> = {
    name: def.name,
    skills: (def.skills ?? []).map((s) => (typeof s === 'string' ? { id: skillId(s), name: s } : s)),
    state: (def.state ?? {}) as S,
    durable: def.durable ?? false,
    version: def.version ?? '1',
    instances: def.instances ?? { min: 1, max: 1 },
    handlers: def.handlers,
  };
  if (def.description !== undefined) out.description = def.description;
  if (def.model !== undefined) out.model = def.model;
  if (def.team !== undefined) out.team = def.team;
  return out;
}

/** `general Q&A` → `general-q-a`. */
export function skillId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'skill';
}

/** Turns a handler result into a reply, adding the turn's usage. */
export function toReply(r: HandlerResult, usage: AgentUsage | null): AgentReply {
  let reply: AgentReply;
  if (r === undefined) reply = { parts: [], state: 'completed' };
  else if (typeof r === 'string') reply = { parts: [{ kind: 'text', text: r }], state: 'completed' };
  else if (Array.isArray(r)) reply = { parts: r, state: 'completed' };
  else reply = r;
  if (usage && usage.modelCalls > 0 && !reply.usage) reply = { ...reply, usage };
  return reply;
}

/** A message from text. */
export function textMessage(text: string, role: 'user' | 'agent' = 'user'): AgentMessage {
  return { role, parts: [{ kind: 'text', text }] };
}

/** The text parts of a message, joined. */
export function messageText(m: { parts: readonly MessagePart[] }): string {
  let s = '';
  for (const p of m.parts) if (p.kind === 'text') s += (s ? '\n' : '') + p.text;
  return s;
}
