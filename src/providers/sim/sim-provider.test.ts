import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ModelNotFoundError } from '../../errors.js';
import { countChatTokens, countTextTokens } from '../../metering/tokenizer.js';
import { ProviderSchema } from '../../spec/schema.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import type { ChatChunk, ChatRequest } from '../types.js';
import { createSimProvider } from './index.js';

function simSpec(extra: Record<string, unknown> = {}): SimProviderSpec {
  const spec = ProviderSchema.parse({ kind: 'sim', ...extra });
  if (spec.kind !== 'sim') throw new Error('unreachable');
  return spec;
}
const ctx = () => ({ signal: new AbortController().signal, requestId: 'req-1' });
const models = { 'sim-small': { capability: 0.4 }, 'sim-large': { capability: 0.95 }, 'sim-embed': { type: 'embedding' as const } };
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'sim-small', messages: [{ role: 'user', content }], ...extra });

async function collect(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('SimProvider chat', () => {
  it('is deterministic: same request, same reply and usage, even across instances', async () => {
    const a = createSimProvider('sim', simSpec(), models);
    const b = createSimProvider('sim', simSpec(), models);
    const req = ask('Hello team, can you plan the quarterly offsite in Lisbon?');
    const r1 = await a.chat(req, ctx());
    const r2 = await a.chat(req, ctx());
    const r3 = await b.chat(req, ctx());
    expect(r1.choices[0]!.message.content).toBeTruthy();
    expect(r2.choices[0]!.message.content).toBe(r1.choices[0]!.message.content);
    expect(r3.choices[0]!.message.content).toBe(r1.choices[0]!.message.content);
    expect(r3.usage).toEqual(r1.usage);
  });

  it('changes the reply with the seed, the model and the content; echoes the user words', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const other = createSimProvider('sim', simSpec({ seed: 7 }), models);
    const text = async (p: typeof sim, req: ChatRequest) => (await p.chat(req, ctx())).choices[0]!.message.content;
    const base = await text(sim, ask('Hello team, how is the roadmap going?'));
    expect(base).toMatch(/^Hello team!/);
    expect(base).not.toBe(await text(other, ask('Hello team, how is the roadmap going?')));
    expect(base).not.toBe(await text(sim, { ...ask('Hello team, how is the roadmap going?'), model: 'sim-large' }));
    expect(await text(sim, ask('Summarise the migration plan'))).toMatch(/migration/);
  });

  it('reports usage equal to the tokenizer counts', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const req: ChatRequest = {
      model: 'sim-small',
      messages: [
        { role: 'system', content: 'You are a concise assistant.' },
        { role: 'user', content: 'Explain the budget variance for the marketing team.' },
      ],
    };
    const r = await sim.chat(req, ctx());
    expect(r.usage.prompt_tokens).toBe(countChatTokens(req.messages, undefined, 'sim-small'));
    expect(r.usage.completion_tokens).toBe(countTextTokens(r.choices[0]!.message.content!));
    expect(r.usage.total_tokens).toBe(r.usage.prompt_tokens + r.usage.completion_tokens);
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(r.id).toMatch(/^chatcmpl-/);
  });

  it('honours [sim:tokens=N] exactly and max_tokens with finish_reason length', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const exact = await sim.chat(ask('Write a status update [sim:tokens=40]'), ctx());
    expect(exact.usage.completion_tokens).toBe(40);
    expect(exact.choices[0]!.finish_reason).toBe('stop');

    const cut = await sim.chat(ask('Write a status update [sim:tokens=40]', { max_tokens: 7 }), ctx());
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage.completion_tokens).toBe(7);
    expect(countTextTokens(cut.choices[0]!.message.content!)).toBe(7);
    expect(exact.choices[0]!.message.content!.startsWith(cut.choices[0]!.message.content!)).toBe(true);

    const roomy = await sim.chat(ask('Write a status update [sim:tokens=40]', { max_tokens: 400 }), ctx());
    expect(roomy.choices[0]!.finish_reason).toBe('stop');
  });

  it('grows the default reply with the prompt', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const short = await sim.chat(ask('Status?'), ctx());
    const long = await sim.chat(ask('Please review '.concat('the onboarding checklist, billing flows, audit evidence and vendor contracts '.repeat(6))), ctx());
    expect(long.usage.completion_tokens).toBeGreaterThan(short.usage.completion_tokens);
  });

  it('returns valid JSON for json_object and schema-conforming JSON for json_schema', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const obj = await sim.chat(ask('Give me the launch facts as JSON', { response_format: { type: 'json_object' } }), ctx());
    expect(typeof JSON.parse(obj.choices[0]!.message.content!)).toBe('object');

    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 0 },
        active: { type: 'boolean' },
        role: { type: 'string', enum: ['admin', 'member'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      required: ['name', 'age', 'active', 'role', 'tags', 'address'],
    };
    const r = await sim.chat(
      ask('Extract the person: Alice Smith, 34, lives in Berlin', { response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } }),
      ctx(),
    );
    const v = JSON.parse(r.choices[0]!.message.content!) as Record<string, unknown>;
    expect(v.name).toBe('Alice');
    expect(v.age).toBe(34);
    expect(v.active).toBe(true);
    expect(v.role).toBe('admin');
    expect(Array.isArray(v.tags) && v.tags.length === 2 && v.tags.every((t) => typeof t === 'string')).toBe(true);
    expect(typeof (v.address as { city: unknown }).city).toBe('string');
  });

  it('answers scripted patterns with the scripted reply or tool call', async () => {
    const sim = createSimProvider(
      'sim',
      simSpec({ scripts: [{ match: 'refund', reply: 'Refunds take 5 business days.' }, { match: '^cancel order (\\d+)', tool_call: { name: 'cancel_order', arguments: { id: 7 } } }] }),
      models,
    );
    const r = await sim.chat(ask('How long does a REFUND take?'), ctx());
    expect(r.choices[0]!.message.content).toBe('Refunds take 5 business days.');
    expect(r.usage.completion_tokens).toBe(countTextTokens('Refunds take 5 business days.'));
    const t = await sim.chat(ask('cancel order 7'), ctx());
    expect(t.choices[0]!.finish_reason).toBe('tool_calls');
    expect(t.choices[0]!.message.tool_calls![0]!.function).toEqual({ name: 'cancel_order', arguments: '{"id":7}' });
    const plain = await sim.chat(ask('Tell me about the weather'), ctx());
    expect(plain.choices[0]!.message.content).not.toBe('Refunds take 5 business days.');
  });

  it('rejects bad scripts, unknown markers, unknown models and wrong model types', async () => {
    expect(() => createSimProvider('sim', simSpec({ scripts: [{ match: '(', reply: 'x' }] }), models)).toThrow(InvalidRequestError);
    const sim = createSimProvider('sim', simSpec(), models);
    await expect(sim.chat(ask('hi [sim:bogus=1]'), ctx())).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(sim.chat(ask('hi [sim:fail=404]'), ctx())).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(sim.chat({ ...ask('hi'), model: 'nope' }, ctx())).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(sim.chat({ ...ask('hi'), model: 'sim-embed' }, ctx())).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(sim.embed({ model: 'sim-small', input: 'x' }, ctx())).rejects.toBeInstanceOf(InvalidRequestError);
  });
});

describe('SimProvider chatStream', () => {
  it('streams role, content deltas, finish, then a usage chunk; deltas equal the non-stream content', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const req = ask('Summarise the incident review for the payments team');
    const full = await sim.chat(req, ctx());
    const chunks = await collect(sim.chatStream(req, ctx()));
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe(full.choices[0]!.message.content);
    expect(chunks.length).toBeGreaterThan(5);
    const finish = chunks[chunks.length - 2]!;
    expect(finish.choices[0]!.finish_reason).toBe('stop');
    expect(finish.choices[0]!.delta).toEqual({});
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(full.usage);
    expect(chunks.slice(0, -2).every((c) => c.choices[0]!.finish_reason === null && !c.usage)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('streams max_tokens truncation with finish_reason length', async () => {
    const sim = createSimProvider('sim', simSpec(), models);
    const chunks = await collect(sim.chatStream(ask('Write a long memo [sim:tokens=60]', { max_tokens: 10 }), ctx()));
    expect(chunks[chunks.length - 2]!.choices[0]!.finish_reason).toBe('length');
    expect(chunks[chunks.length - 1]!.usage!.completion_tokens).toBe(10);
    expect(countTextTokens(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''))).toBe(10);
  });
});
