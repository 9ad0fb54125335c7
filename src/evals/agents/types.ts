/**
 * The agent under test: anything that answers a user turn. Implementations: an HTTP endpoint, a
 * shell command, and a prompt-agent that calls a model through daca.
 */
import type { RecordedToolCall, TranscriptMessage } from '../graders/types.js';

/** The case as an agent sees it (no graders, no expected answer). */
export interface AgentCaseView {
  id: string;
  input: string;
  context: readonly string[];
  tags: readonly string[];
}

/** One user turn handed to the agent. */
export interface AgentTurn {
  /** The user's message of this turn. */
  input: string;
  /** Earlier messages of the conversation (user and assistant), oldest first. */
  history: readonly TranscriptMessage[];
  case: AgentCaseView;
  persona: string;
  /** Per-trial seed; the same for every model, so runs pair up trial by trial. */
  seed: number;
}

/** The agent's answer to one turn, with what it cost. */
export interface AgentReply {
  output: string;
  toolCalls: RecordedToolCall[];
  /** Tool results the agent saw (they count as support for its claims). */
  toolResults: string[];
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
}

/** An agent under test. */
export interface AgentUnderTest {
  readonly kind: 'prompt' | 'http' | 'command';
  /** The model or alias it uses, when known. */
  readonly model: string | undefined;
  /** Version of the prompt/agent (a hash of the system prompt and tools for prompt-agents). */
  readonly version: string;
  respond(turn: AgentTurn): Promise<AgentReply>;
  close(): void;
}

/** The JSON an HTTP or command agent answers with. */
export interface AgentWireReply {
  output?: unknown;
  tool_calls?: { name?: unknown; arguments?: unknown }[];
  tool_results?: unknown[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  cost_usd?: number;
}

/** Normalises an HTTP/command agent's JSON answer. */
export function fromWire(w: AgentWireReply): AgentReply {
  const calls: RecordedToolCall[] = [];
  for (const c of w.tool_calls ?? []) {
    if (typeof c?.name !== 'string') continue;
    calls.push({ name: c.name, arguments: parseArgs(c.arguments) });
  }
  return {
    output: typeof w.output === 'string' ? w.output : w.output === undefined || w.output === null ? '' : JSON.stringify(w.output),
    toolCalls: calls,
    toolResults: (w.tool_results ?? []).map((r) => (typeof r === 'string' ? r : JSON.stringify(r))),
    promptTokens: Number(w.usage?.prompt_tokens) || 0,
    completionTokens: Number(w.usage?.completion_tokens) || 0,
    costMicros: Math.round((Number(w.cost_usd) || 0) * 1e6),
  };
}

/** Tool-call arguments as an object: parsed JSON text, or the object itself. */
export function parseArgs(a: unknown): Record<string, unknown> {
  if (typeof a === 'string') {
    try {
      const v = JSON.parse(a) as unknown;
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return a !== null && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : {};
}
