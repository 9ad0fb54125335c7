import { describe, expect, it } from 'vitest';
import { countTextTokens, encodeText } from '../../metering/tokenizer.js';
import { ProviderSchema } from '../../spec/schema.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import { createSimProvider } from './index.js';

const spec = ProviderSchema.parse({ kind: 'sim' }) as SimProviderSpec;
const ctx = () => ({ signal: new AbortController().signal, requestId: 'req-e' });
const sim = createSimProvider('sim', spec, { emb: { type: 'embedding' }, emb64: { type: 'embedding', dimensions: 64 } });
const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('sim embeddings', () => {
  it('returns deterministic unit vectors of the configured size', async () => {
    const a = await sim.embed({ model: 'emb', input: 'refund my last order' }, ctx());
    const b = await sim.embed({ model: 'emb', input: 'refund my last order' }, ctx());
    expect(a.data[0]!.embedding).toHaveLength(256);
    expect(a.data[0]!.embedding).toEqual(b.data[0]!.embedding);
    expect(cos(a.data[0]!.embedding, a.data[0]!.embedding)).toBeCloseTo(1, 10);
    expect((await sim.embed({ model: 'emb64', input: 'x' }, ctx())).data[0]!.embedding).toHaveLength(64);
    expect((await sim.embed({ model: 'emb64', input: 'x', dimensions: 32 }, ctx())).data[0]!.embedding).toHaveLength(32);
    expect(cos((await sim.embed({ model: 'emb', input: '' }, ctx())).data[0]!.embedding, a.data[0]!.embedding)).toBeLessThanOrEqual(1);
  });

  it('places similar texts closer than unrelated ones', async () => {
    const r = await sim.embed(
      { model: 'emb', input: ['How do I get a refund for my order?', 'I want a refund for the order I placed', 'The mountain weather forecast shows snow tomorrow'] },
      ctx(),
    );
    const [q, near, far] = r.data.map((d) => d.embedding) as [number[], number[], number[]];
    expect(r.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(cos(q, near)).toBeGreaterThan(cos(q, far) + 0.2);
  });

  it('counts usage with the tokenizer and accepts token arrays', async () => {
    const texts = ['refund my last order', 'weather in Oslo'];
    const r = await sim.embed({ model: 'emb', input: texts }, ctx());
    const expected = countTextTokens(texts[0]!) + countTextTokens(texts[1]!);
    expect(r.usage).toEqual({ prompt_tokens: expected, total_tokens: expected });
    const ids = encodeText(texts[0]!);
    const fromIds = await sim.embed({ model: 'emb', input: ids }, ctx());
    expect(fromIds.data[0]!.embedding).toEqual(r.data[0]!.embedding);
    expect(fromIds.usage.prompt_tokens).toBe(ids.length);
  });
});
