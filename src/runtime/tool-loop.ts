/**
 * The tool loop of a prompt agent with `prompt.tools`: the model is offered the agent's tools (the
 * ones its MCP servers list, narrowed to the names the spec gives); each tool call it asks for runs
 * through `ctx.tools.call` (governed, journaled when durable) and its result goes back as a `tool`
 * message, until the model answers in text or the round limit is reached (then it must answer
 * without tools). A refused or failing call is reported to the model as an error result rather
 * than failing the turn, so it can explain or try something else.
 */
import type { AgentToolInfo } from './agent-tools.js';
import type { AgentContext, ModelChatMessage, ModelChatRequest, ModelChatResult, ModelTool } from './define-agent.js';

/** Rounds of tool calls one turn may make before the model must answer. */
export const MAX_TOOL_ROUNDS = 8;

/** The OpenAI `tools` entry of a tool. */
export function modelTool(t: AgentToolInfo): ModelTool {
  return { type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } };
}

/**
 * Runs `req` with the tools named in `allowed` until the model answers in text; returns that
 * answer. `req.messages` is extended in place with the tool exchange.
 */
export async function chatWithTools<S>(ctx: AgentContext<S>, req: ModelChatRequest & { messages: ModelChatMessage[] }, allowed: readonly string[]): Promise<ModelChatResult> {
  const offered = allowed.length ? (await ctx.tools.list()).filter((t) => allowed.includes(t.name)).map(modelTool) : [];
  for (let round = 0; ; round++) {
    const last = round >= MAX_TOOL_ROUNDS || offered.length === 0;
    const r = await ctx.model.chat(last ? req : { ...req, tools: offered });
    if (last || r.toolCalls.length === 0) return r;
    req.messages.push({ role: 'assistant', content: r.text || null, tool_calls: r.toolCalls });
    for (const call of r.toolCalls) req.messages.push({ role: 'tool', tool_call_id: call.id, content: await runTool(ctx, call.function.name, call.function.arguments, allowed) });
  }
}

async function runTool<S>(ctx: AgentContext<S>, name: string, argsText: string, allowed: readonly string[]): Promise<string> {
  if (!allowed.includes(name)) return `error: '${name}' is not one of this agent's tools (${allowed.join(', ')})`;
  let args: unknown;
  try {
    args = JSON.parse(argsText || '{}');
  } catch {
    return 'error: the arguments are not valid JSON';
  }
  if (!args || typeof args !== 'object' || Array.isArray(args)) return 'error: the arguments must be a JSON object';
  try {
    const out = await ctx.tools.call(name, args as Record<string, unknown>);
    return out.isError ? `error: ${out.text}` : out.text;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return `error${typeof code === 'string' ? ` (${code})` : ''}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
