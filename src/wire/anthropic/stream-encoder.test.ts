import Anthropic from '@anthropic-ai/sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChunk, Usage } from '../../providers/types.js';
import { encodeSSE } from '../sse.js';
import { AnthropicStreamDecoder } from './stream-decoder.js';
import { AnthropicStreamEncoder } from './stream-encoder.js';
import type { AnthropicEvent } from './types.js';

const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason'] = null, usage?: Usage): ChatChunk => {
  const c: ChatChunk = { id: 'chatcmpl-1', created: 1, model: 'up', choices: [{ index: 0, delta, finish_reason: finish }] };
  if (usage) c.usage = usage;
  return c;
};
const usage: Usage = { prompt_tokens: 50, completion_tokens: 12, total_tokens: 62, cached_tokens: 20 };

/** Text, then two tool calls streamed in fragments, then finish and a usage-only chunk (OpenAI style). */
const toolChunks: ChatChunk[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Checking ' }),
  chunk({ content: 'both.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{}' } }] }),
  chunk({}, 'tool_calls'),
  { id: 'chatcmpl-1', created: 1, model: 'up', choices: [], usage },
];

function encodeAll(chunks: ChatChunk[], finishUsage?: Usage): AnthropicEvent[] {
  const enc = new AnthropicStreamEncoder({ id: 'chatcmpl-1', model: 'claude-alias', inputTokens: 48 });
  const out = enc.start();
  for (const c of chunks) out.push(...enc.push(c));
  out.push(...enc.finish(finishUsage));
  return out;
}

describe('AnthropicStreamEncoder', () => {
  it('emits the exact Anthropic event sequence for text', () => {
    const evs = encodeAll([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'length')], usage);
    expect(evs.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    for (const e of evs) expect((e.data as { type: string }).type).toBe(e.event);
    expect(evs[0]!.data).toMatchObject({ message: { id: 'msg_1', model: 'claude-alias', content: [], stop_reason: null, usage: { input_tokens: 48 } } });
    expect(evs[3]!.data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    expect(evs[6]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: { input_tokens: 30, output_tokens: 12, cache_read_input_tokens: 20, cache_creation_input_tokens: 0 },
    });
  });

  it('opens one tool_use block per tool call with input_json_delta fragments', () => {
    const evs = encodeAll(toolChunks);
    expect(evs.map((e) => `${e.event}${'index' in e.data ? (e.data as { index: number }).index : ''}`)).toEqual([
      'message_start',
      'content_block_start0',
      'ping',
      'content_block_delta0',
      'content_block_delta0',
      'content_block_stop0',
      'content_block_start1',
      'content_block_delta1',
      'content_block_delta1',
      'content_block_stop1',
      'content_block_start2',
      'content_block_delta2',
      'content_block_stop2',
      'message_delta',
      'message_stop',
    ]);
    expect(evs[6]!.data).toEqual({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_a', name: 'weather', input: {} } });
    expect(evs[7]!.data).toMatchObject({ delta: { type: 'input_json_delta', partial_json: '{"city":' } });
    expect(evs.at(-2)!.data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } });
  });

  it('handles an empty reply: still pings and ends with end_turn', () => {
    const evs = encodeAll([chunk({}, 'stop')]);
    expect(evs.map((e) => e.event)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
    expect(evs[2]!.data).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 0 } });
  });

  it('round-trips through AnthropicStreamDecoder to the same text, tool calls, finish and usage', () => {
    const dec = new AnthropicStreamDecoder('x', () => 0);
    const out: ChatChunk[] = [];
    for (const e of encodeAll(toolChunks)) out.push(...dec.push({ event: e.event, data: JSON.stringify(e.data) }));
    expect(dec.done).toBe(true);
    expect(out.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Checking both.');
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const c of out) {
      for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { args: '' };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name = tc.function.name;
        cur.args += tc.function?.arguments ?? '';
        calls.set(tc.index, cur);
      }
    }
    expect([...calls.values()]).toEqual([
      { id: 'call_a', name: 'weather', args: '{"city":"Oslo"}' },
      { id: 'call_b', name: 'time', args: '{}' },
    ]);
    expect(out.find((c) => c.choices[0]?.finish_reason)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(out.at(-1)!.usage).toEqual({ prompt_tokens: 50, completion_tokens: 12, total_tokens: 62, cached_tokens: 20 });
  });
});

describe('AnthropicStreamEncoder read by the official Anthropic SDK', () => {
  let server: Server;
  let client: Anthropic;
  let script: ChatChunk[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const e of encodeAll(script)) res.write(encodeSSE(JSON.stringify(e.data), e.event));
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new Anthropic({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k', maxRetries: 0 });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('accumulates text, tool_use inputs, stop reason and usage', async () => {
    script = toolChunks;
    const final = await client.messages.stream({ model: 'claude-alias', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    expect(final.id).toBe('msg_1');
    expect(final.model).toBe('claude-alias');
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? [b.id, b.name, b.input] : b.type))).toEqual([
      'Checking both.',
      ['call_a', 'weather', { city: 'Oslo' }],
      ['call_b', 'time', {}],
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 30, output_tokens: 12, cache_read_input_tokens: 20 });
  });

  it('accumulates a plain text reply', async () => {
    script = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hi ' }), chunk({ content: 'there' }), chunk({}, 'stop', usage)];
    const final = await client.messages.stream({ model: 'claude-alias', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hi there' })]);
    expect(final.stop_reason).toBe('end_turn');
  });
});
