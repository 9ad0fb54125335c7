import { describe, expect, it } from 'vitest';
import type { AgentContext, ModelChatRequest, ModelChatResult, ModelToolCall } from './define-agent.js';
import { chatWithTools, MAX_TOOL_ROUNDS } from './tool-loop.js';

/** A turn context whose model asks for the scripted tool calls, round after round, then answers. */
function scripted(rounds: ModelToolCall[][], tools = ['lookup', 'forbidden']) {
  const requests: ModelChatRequest[] = [];
  const ran: string[] = [];
  const ctx = {
    tools: {
      list: async () => tools.map((name) => ({ name, description: `the ${name} tool`, inputSchema: { type: 'object' } })),
      call: async (name: string, args: Record<string, unknown>) => {
        ran.push(`${name} ${JSON.stringify(args)}`);
        if (name === 'forbidden') throw Object.assign(new Error("tool 'forbidden' is not on the allow-list"), { code: 'content_blocked' });
        return { text: `${name} ok`, isError: false };
      },
    },
    model: {
      chat: async (req: ModelChatRequest): Promise<ModelChatResult> => {
        requests.push(structuredClone(req));
        const calls = req.tools ? (rounds[requests.length - 1] ?? []) : [];
        return { text: calls.length ? '' : 'done', model: 'm', usage: { inputTokens: 1, outputTokens: 1, costMicros: 0 }, finishReason: calls.length ? 'tool_calls' : 'stop', toolCalls: calls };
      },
    },
  } as unknown as AgentContext<unknown>;
  return { ctx, requests, ran };
}
const call = (id: string, name: string, args: string): ModelToolCall => ({ id, type: 'function', function: { name, arguments: args } });

describe('chatWithTools', () => {
  it('offers only the allowed tools, runs the calls, and sends each result back until the model answers', async () => {
    const { ctx, requests, ran } = scripted([[call('c1', 'lookup', '{"sku":"A"}')]]);
    const r = await chatWithTools(ctx, { model: 'm', messages: [{ role: 'user', content: 'how many A?' }] }, ['lookup']);
    expect(r.text).toBe('done');
    expect(requests[0]!.tools!.map((t) => t.function.name)).toEqual(['lookup']);
    expect(ran).toEqual(['lookup {"sku":"A"}']);
    expect(requests[1]!.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [call('c1', 'lookup', '{"sku":"A"}')] },
      { role: 'tool', tool_call_id: 'c1', content: 'lookup ok' },
    ]);
  });

  it('reports refusals, unknown tools and bad arguments to the model instead of failing the turn', async () => {
    const { ctx, requests, ran } = scripted([[call('c1', 'forbidden', '{}'), call('c2', 'other', '{}'), call('c3', 'lookup', 'not json'), call('c4', 'lookup', '[1]')]]);
    const r = await chatWithTools(ctx, { model: 'm', messages: [{ role: 'user', content: 'go' }] }, ['lookup', 'forbidden']);
    expect(r.text).toBe('done');
    expect(ran).toEqual(['forbidden {}']);
    expect(requests[1]!.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual([
      "error (content_blocked): tool 'forbidden' is not on the allow-list",
      "error: 'other' is not one of this agent's tools (lookup, forbidden)",
      'error: the arguments are not valid JSON',
      'error: the arguments must be a JSON object',
    ]);
  });

  it('makes the model answer without tools after the round limit', async () => {
    const forever = Array.from({ length: MAX_TOOL_ROUNDS + 5 }, (_, i) => [call(`c${i}`, 'lookup', '{}')]);
    const { ctx, requests, ran } = scripted(forever);
    const r = await chatWithTools(ctx, { model: 'm', messages: [{ role: 'user', content: 'loop' }] }, ['lookup']);
    expect(r.text).toBe('done');
    expect(ran).toHaveLength(MAX_TOOL_ROUNDS);
    expect(requests).toHaveLength(MAX_TOOL_ROUNDS + 1);
    expect(requests.at(-1)!.tools).toBeUndefined();
  });
});
