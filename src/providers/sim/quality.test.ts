import { describe, expect, it } from 'vitest';
import { ProviderSchema } from '../../spec/schema.js';
import type { SimProviderSpec } from '../../spec/schema.js';
import type { ChatRequest } from '../types.js';
import { createSimProvider, simSucceeds, successProbability } from './index.js';

const spec = ProviderSchema.parse({ kind: 'sim' }) as SimProviderSpec;
const ctx = () => ({ signal: new AbortController().signal, requestId: 'req-q' });

describe('simSucceeds', () => {
  it('is reproducible and monotonic in capability for every seed key', () => {
    for (let k = 0; k < 300; k++) {
      const key = `42:task-${k}`;
      expect(simSucceeds(0.6, 0.7, key)).toBe(simSucceeds(0.6, 0.7, key));
      let previous = false;
      for (let c = 0; c <= 1.0001; c += 0.05) {
        const now = simSucceeds(c, 0.7, key);
        if (previous) expect(now).toBe(true);
        previous = now;
      }
    }
  });

  it('succeeds about as often as the logistic curve says', () => {
    expect(successProbability(0.5, 0.5)).toBeCloseTo(0.5, 10);
    expect(successProbability(0.9, 0.3)).toBeGreaterThan(0.99);
    const rate = (c: number, d: number) => {
      let n = 0;
      for (let k = 0; k < 2000; k++) if (simSucceeds(c, d, `seed:${k}`)) n++;
      return n / 2000;
    };
    expect(rate(0.7, 0.7)).toBeGreaterThan(0.45);
    expect(rate(0.7, 0.7)).toBeLessThan(0.55);
    expect(rate(0.9, 0.5)).toBeGreaterThan(0.95);
    expect(rate(0.3, 0.8)).toBeLessThan(0.05);
  });
});

describe('sim quality model', () => {
  const sim = createSimProvider('sim', spec, { small: { capability: 0.3 }, mid: {}, large: { capability: 0.95 } });
  const task = (i: number, model: string, difficulty = 0.6): ChatRequest => ({
    model,
    messages: [
      { role: 'system', content: `Answer briefly. [sim:difficulty=${difficulty}]` },
      { role: 'user', content: `Question ${i}: what is the code word? [sim:answer=Zephyr${i}]` },
    ],
  });

  it('a capable model contains the expected answer more often; failures never contain it', async () => {
    const score = async (model: string) => {
      let ok = 0;
      for (let i = 0; i < 60; i++) {
        const text = (await sim.chat(task(i, model), ctx())).choices[0]!.message.content!;
        if (text.includes(`Zephyr${i}`)) ok++;
        else expect(text).toMatch(/The answer is \S+/);
      }
      return ok;
    };
    const small = await score('small');
    const mid = await score('mid');
    const large = await score('large');
    expect(large).toBeGreaterThan(50);
    expect(small).toBeLessThan(10);
    expect(mid).toBeGreaterThan(small);
    expect(large).toBeGreaterThan(mid);
  });

  it('outcomes are coupled per task: when the small model succeeds, the large one does too', async () => {
    for (let i = 0; i < 60; i++) {
      const s = (await sim.chat(task(i, 'small', 0.4), ctx())).choices[0]!.message.content!.includes(`Zephyr${i}`);
      const l = (await sim.chat(task(i, 'large', 0.4), ctx())).choices[0]!.message.content!.includes(`Zephyr${i}`);
      if (s) expect(l).toBe(true);
    }
  });

  it('reads difficulty from extra.metadata and gives numeric answers a nearby wrong number', async () => {
    const req = (model: string): ChatRequest => ({
      model,
      messages: [{ role: 'user', content: 'What is 6 times 7? [sim:answer=42]' }],
      extra: { metadata: { difficulty: 0.99 } },
    });
    const wrong = (await sim.chat(req('small'), ctx())).choices[0]!.message.content!;
    expect(wrong).not.toMatch(/\b42\b/);
    expect(wrong).toMatch(/The answer is -?\d+\./);
    const easy = { ...req('large'), extra: { metadata: { difficulty: 0.1 } } };
    expect((await sim.chat(easy, ctx())).choices[0]!.message.content).toContain('The answer is 42.');
  });

  it('puts the (right or wrong) answer into JSON replies', async () => {
    const r = await sim.chat(
      { model: 'large', messages: [{ role: 'user', content: 'Capital of France? [sim:answer=Paris] [sim:difficulty=0.1]' }], response_format: { type: 'json_object' } },
      ctx(),
    );
    expect((JSON.parse(r.choices[0]!.message.content!) as { answer: string }).answer).toBe('Paris');
  });
});
