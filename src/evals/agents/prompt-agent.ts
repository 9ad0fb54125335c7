/**
 * A prompt-agent: a model (daca model or alias) with a system prompt and tools whose results the
 * suite scripts. Each turn calls the model through an OpenAI-compatible API (daca), answers its
 * tool calls with the scripted results, and loops until the model answers in text.
 *
 * The case's context documents go into the system message; `[sim:…]` markers of the case input are
 * repeated there too, so they hold on every turn of a multi-turn conversation.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage, ToolDefinition } from '../../providers/types.js';
import type { ChatClient } from '../chat-client.js';
import type { RecordedToolCall } from '../graders/types.js';
import type { ScriptedTool } from '../suite-schema.js';
import { parseArgs, type AgentReply, type AgentTurn, type AgentUnderTest } from './types.js';

/** Options of {@link promptAgent}. */
export interface PromptAgentOptions {
  client: ChatClient;
  model: string;
  system?: string;
  tools?: readonly ScriptedTool[];
  temperature?: number;
  maxTokens?: number;
  /** Model calls per turn that may end in tool calls (default 4). */
  maxToolRounds?: number;
  /** Defaults to `sha256:<12 hex>` of the system prompt and tool definitions. */
  promptVersion?: string;
}

const MARKER = /\[sim:[a-z_]+=[^\]]*\]/gi;

/** The prompt version of a system prompt and its tools: a short content hash. */
export function promptVersionOf(system: string, tools: readonly ScriptedTool[]): string {
  const h = createHash('sha256').update(system).update('\u0000').update(JSON.stringify(tools.map((t) => [t.name, t.description, t.parameters]))).digest('hex');
  return `sha256:${h.slice(0, 12)}`;
}

/**
 * An {@link AgentUnderTest} that is a model plus a system prompt and scripted tools.
 *
 * @example
 * ```ts
 * const agent = promptAgent({ client, model: 'stable', system: 'Answer in one sentence.' });
 * ```
 */
export function promptAgent(opts: PromptAgentOptions): AgentUnderTest {
  const tools = opts.tools ?? [];
  const defs: ToolDefinition[] | undefined = tools.length
    ? tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))
    : undefined;
  const results = new Map(tools.map((t) => [t.name, typeof t.result === 'string' ? t.result : JSON.stringify(t.result ?? null)]));
  const maxRounds = opts.maxToolRounds ?? 4;
  const system = opts.system ?? '';
  const version = opts.promptVersion ?? promptVersionOf(system, tools);

  function systemFor(turn: AgentTurn): string {
    const parts: string[] = system ? [system] : [];
    if (turn.case.context.length) parts.push('Context:\n' + turn.case.context.map((d, i) => `[${i + 1}] ${d}`).join('\n'));
    const markers = turn.case.input.match(MARKER);
    if (markers) parts.push(markers.join(' '));
    return parts.join('\n\n');
  }

  return {
    kind: 'prompt',
    model: opts.model,
    version,
    async respond(turn: AgentTurn): Promise<AgentReply> {
      const messages: ChatMessage[] = [];
      const sys = systemFor(turn);
      if (sys) messages.push({ role: 'system', content: sys });
      for (const m of turn.history) if (m.role !== 'tool') messages.push({ role: m.role, content: m.content });
      messages.push({ role: 'user', content: turn.input });
      const reply: AgentReply = { output: '', toolCalls: [], toolResults: [], promptTokens: 0, completionTokens: 0, costMicros: 0 };
      for (let round = 0; ; round++) {
        const r = await opts.client.chat({
          model: opts.model,
          messages,
          ...(defs && round < maxRounds ? { tools: defs } : {}),
          ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
          ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
          seed: turn.seed,
        });
        reply.promptTokens += r.promptTokens;
        reply.completionTokens += r.completionTokens;
        reply.costMicros += r.costMicros;
        if (r.toolCalls.length === 0 || round >= maxRounds) {
          reply.output = r.content;
          return reply;
        }
        messages.push({ role: 'assistant', content: r.content || null, tool_calls: r.toolCalls });
        for (const call of r.toolCalls) {
          const recorded: RecordedToolCall = { name: call.function.name, arguments: parseArgs(call.function.arguments) };
          reply.toolCalls.push(recorded);
          const result = results.get(call.function.name) ?? JSON.stringify({ error: `unknown tool '${call.function.name}'` });
          reply.toolResults.push(result);
          messages.push({ role: 'tool', tool_call_id: call.id, content: result });
        }
      }
    },
    close() {},
  };
}
