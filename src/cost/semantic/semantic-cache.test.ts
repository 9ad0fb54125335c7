import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResult } from '../../providers/types.js';
import { simEmbedder } from './embedder.js';
import { lexicalSignature, signaturesMatch } from './lexical-guard.js';
import { SemanticCache } from './semantic-cache.js';

const SYSTEM = 'You are the support assistant of an online shop.';
const req = (user: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gpt-4o', messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: user }], ...extra });
const answer = (text: string): ChatResult => ({ id: 'x', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 8, total_tokens: 28 } });
const scope = { tenant: 'acme', agent: 'support', model: 'gpt-4o' };

function cache(threshold = 0.8): SemanticCache {
  return new SemanticCache({ embedder: simEmbedder(), threshold, namespaceBy: ['tenant', 'agent'], maxEntriesPerBucket: 100, ttlMs: 60_000 });
}

/** Stored prompt → prompts that ask the same thing (must hit) and near-misses with other answers (must not). */
const SET: { stored: string; same: string[]; different: string[] }[] = [
  {
    stored: 'Please refund order 123 for the blue kettle.',
    same: ['please refund order 123 for the blue kettle', 'Hi, please refund order 123 for the blue kettle. Thanks!', 'Refund order 123 for the blue kettle please'],
    different: ['Please refund order 124 for the blue kettle.', 'Please refund order 123 for the red kettle.', 'Please refund orders 123 and 125 for the blue kettle.'],
  },
  {
    stored: 'Is it allowed to return opened headphones?',
    same: ['Quick question: is it allowed to return opened headphones?', 'is it allowed to return opened headphones'],
    different: ['Is it not allowed to return opened headphones?', "Isn't it allowed to return opened headphones?", 'Is it allowed to return opened speakers?'],
  },
  {
    stored: 'Which city is the service hub for the tent?',
    same: ['Hi, which city is the service hub for the tent?', 'Which city is the service hub for the tent? Thanks!'],
    different: ['Which city is the service hub for the yoga mat?', 'Which city is the service hub for the tents in Berlin?'],
  },
  {
    stored: 'Book a table for Alice on Friday at 7pm.',
    same: ['book a table for Alice on Friday at 7pm please'],
    different: ['Book a table for Bob on Friday at 7pm.', 'Book a table for Alice on Monday at 7pm.', 'Book a table for Alice on Friday at 8pm.'],
  },
];

describe('SemanticCache', () => {
  it('hits rewordings of a stored prompt and refuses near-misses with other answers', async () => {
    for (const { stored, same, different } of SET) {
      const c = cache();
      await c.store(scope, req(stored), answer(`answer to: ${stored}`), { answeredBy: 'gpt-4o', costMicros: 500 });
      for (const s of same) {
        const hit = await c.lookup(scope, req(s));
        expect(hit, `expected a hit: "${s}"`).not.toBeNull();
        expect(hit!.result.choices[0]?.message.content).toBe(`answer to: ${stored}`);
        expect(hit!.kind).toBe('semantic');
        expect(hit!.savedMicros).toBe(500);
      }
      for (const d of different) expect(await c.lookup(scope, req(d)), `expected no hit: "${d}"`).toBeNull();
    }
  });

  it('the lexical guard alone: numbers, entities, negations, content words', () => {
    const sig = lexicalSignature;
    expect(signaturesMatch(sig('refund order 123'), sig('Refund order 123!'))).toBe(true);
    expect(signaturesMatch(sig('refund order 123'), sig('refund order 124'))).toBe(false);
    expect(signaturesMatch(sig('is X allowed'), sig('is X not allowed'))).toBe(false);
    expect(signaturesMatch(sig('ship to Lyon'), sig('ship to Oslo'), 'entities')).toBe(false);
    expect(signaturesMatch(sig('the hub for the tent'), sig('the hub for the lamp'), 'entities')).toBe(true);
    expect(signaturesMatch(sig('the hub for the tent'), sig('the hub for the lamp'), 'strict')).toBe(false);
  });

  it('keeps namespaces, models, system prompts, tools and parameters apart', async () => {
    const c = cache();
    const q = 'What is the return window for the kettle?';
    await c.store(scope, req(q), answer('28 days'), { answeredBy: 'gpt-4o', costMicros: 1 });
    expect(await c.lookup(scope, req(`Hi, ${q}`))).not.toBeNull();
    expect(await c.lookup({ ...scope, tenant: 'globex' }, req(q))).toBeNull();
    expect(await c.lookup({ ...scope, agent: 'sales' }, req(q))).toBeNull();
    expect(await c.lookup({ ...scope, model: 'gpt-4o-mini' }, req(q))).toBeNull();
    expect(await c.lookup(scope, { ...req(q), messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: q }] })).toBeNull();
    expect(await c.lookup(scope, req(q, { tools: [{ type: 'function', function: { name: 'lookup_policy' } }] }))).toBeNull();
    expect(await c.lookup(scope, req(q, { max_tokens: 5 }))).toBeNull();
    const shared = new SemanticCache({ embedder: simEmbedder(), threshold: 0.8, namespaceBy: ['tenant'], maxEntriesPerBucket: 10, ttlMs: 60_000 });
    await shared.store(scope, req(q), answer('28 days'), { answeredBy: 'gpt-4o', costMicros: 1 });
    expect(await shared.lookup({ ...scope, agent: 'sales' }, req(q))).not.toBeNull();
    expect(await shared.lookup({ ...scope, tenant: 'globex' }, req(q))).toBeNull();
  });

  it('respects the threshold and the TTL', async () => {
    let t = 0;
    const c = new SemanticCache({ embedder: simEmbedder(), threshold: 0.999, namespaceBy: ['tenant', 'agent'], maxEntriesPerBucket: 10, ttlMs: 1000, now: () => t });
    await c.store(scope, req('Which city is the service hub for the tent?'), answer('Oslo'), { answeredBy: 'gpt-4o', costMicros: 1 });
    expect(await c.lookup(scope, req('Hi, which city is the service hub for the tent?'))).toBeNull();
    expect(await c.lookup(scope, req('Which city is the service hub for the tent?'))).not.toBeNull();
    t = 1001;
    expect(await c.lookup(scope, req('Which city is the service hub for the tent?'))).toBeNull();
  });
});
