import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../../metering/tokenizer.js';
import { ProviderSchema } from '../../spec/schema.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import type { ChatChunk, ChatRequest, ToolDefinition } from '../types.js';
import { createSimProvider } from './index.js';

const spec = ProviderSchema.parse({ kind: 'sim' }) as SimProviderSpec;
const ctx = () => ({ signal: new AbortController().signal, requestId: 'req-t' });
const sim = () => createSimProvider('sim', spec, { m: {} });

const tools: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Get the current weather forecast for a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          days: { type: 'integer', minimum: 1, maximum: 7 },
        },
        required: ['city', 'unit'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'sendEmail',
      description: 'Send an email message to a recipient',
      parameters: {
        type: 'object',
        properties: { to: { type: 'string', format: 'email' }, subject: { type: 'string' }, urgent: { type: 'boolean' } },
        required: ['to', 'subject', 'urgent'],
      },
    },
  },
];

const req = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content }], tools, ...extra });

describe('sim tool calls', () => {
  it('calls the tool the message asks for, with arguments that parse and satisfy the schema', async () => {
    const r = await sim().chat(req("What's the weather in Paris for the next 3 days?"), ctx());
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call.type).toBe('function');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(args.city).toBe('Paris');
    expect(args.unit).toBe('celsius');
    if ('days' in args) expect(args.days).toBe(3);
    expect(r.usage.completion_tokens).toBe(countTextTokens('get_weather') + countTextTokens(call.function.arguments));

    const mail = await sim().chat(req('Please email Bob the launch notes'), ctx());
    const m = mail.choices[0]!.message.tool_calls![0]!;
    expect(m.function.name).toBe('sendEmail');
    const margs = JSON.parse(m.function.arguments) as Record<string, unknown>;
    expect(margs).toMatchObject({ to: 'bob@example.com', urgent: true });
    expect(typeof margs.subject).toBe('string');
  });

  it('answers in text when nothing matches, when tool_choice is none, or after a tool result', async () => {
    expect((await sim().chat(req('Tell me a joke about databases'), ctx())).choices[0]!.finish_reason).toBe('stop');
    expect((await sim().chat(req('Weather in Oslo?', { tool_choice: 'none' }), ctx())).choices[0]!.message.tool_calls).toBeUndefined();
    const after = await sim().chat(
      {
        model: 'm',
        tools,
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c": -3, "sky": "snow"}' },
        ],
      },
      ctx(),
    );
    expect(after.choices[0]!.finish_reason).toBe('stop');
    expect(after.choices[0]!.message.content).toContain('get_weather');
    expect(after.choices[0]!.message.content).toContain('snow');
  });

  it('honours tool_choice required and a named function', async () => {
    const required = await sim().chat(req('Tell me a joke', { tool_choice: 'required' }), ctx());
    expect(required.choices[0]!.message.tool_calls![0]!.function.name).toBe('get_weather');
    const named = await sim().chat(req('Weather in Oslo?', { tool_choice: { type: 'function', function: { name: 'sendEmail' } } }), ctx());
    const call = named.choices[0]!.message.tool_calls![0]!;
    expect(call.function.name).toBe('sendEmail');
    expect(Object.keys(JSON.parse(call.function.arguments) as object)).toEqual(expect.arrayContaining(['to', 'subject', 'urgent']));
  });

  it('streams a tool call as OpenAI does: id and name first, then argument fragments', async () => {
    const r = req("What's the weather in Paris for the next 3 days?");
    const full = (await sim().chat(r, ctx())).choices[0]!.message.tool_calls![0]!;
    const chunks: ChatChunk[] = [];
    for await (const c of sim().chatStream(r, ctx())) chunks.push(c);
    const first = chunks[0]!.choices[0]!.delta;
    expect(first.role).toBe('assistant');
    expect(first.tool_calls![0]).toEqual({ index: 0, id: full.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    const fragments = chunks.slice(1, -2).map((c) => c.choices[0]!.delta.tool_calls![0]!);
    expect(fragments.length).toBeGreaterThan(3);
    expect(fragments.every((f) => f.index === 0 && f.id === undefined && f.function!.name === undefined)).toBe(true);
    expect(fragments.map((f) => f.function!.arguments).join('')).toBe(full.function.arguments);
    expect(chunks[chunks.length - 2]!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks[chunks.length - 1]!.usage!.completion_tokens).toBeGreaterThan(0);
  });
});
