import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingSet, scoreRoutingSet } from './routing-set.js';
import { SkillIndex } from './skill-index.js';
import { stem } from './porter-stemmer.js';

const skills = [
  { agent: 'inventory', skill: 'check-stock', name: 'Check stock', description: 'Look up how many units of a product are in stock', examples: ['Is the blue kettle in stock?'], tags: ['inventory'] },
  { agent: 'orders', skill: 'cancel-order', name: 'Cancel order', description: 'Cancel an order that has not shipped', examples: ['Cancel my order'], tags: ['orders'] },
  { agent: 'travel', skill: 'book-flight', name: 'Book flight', description: 'Search and book airline tickets', examples: ['Book a flight to Rome'], tags: ['travel'] },
];

describe('Porter stemmer', () => {
  it('stems as the algorithm says', () => {
    expect(['caresses', 'ponies', 'relational', 'hopping', 'generalization', 'shipping', 'shipped'].map(stem)).toEqual(['caress', 'poni', 'relat', 'hop', 'gener', 'ship', 'ship']);
  });
});

describe('SkillIndex', () => {
  const index = new SkillIndex(skills);
  it('routes paraphrases through stems and synonyms, with a reason', () => {
    const m = index.match('How many units of SKU 991 are left in the warehouse stock?');
    expect(m.route).toEqual({ agent: 'inventory', skill: 'check-stock' });
    expect(m.reason).toMatch(/inventory\/check-stock/);
    expect(index.match('I need a plane ticket to Lisbon').route).toEqual({ agent: 'travel', skill: 'book-flight' });
  });
  it('does not route a request for another action on a known object, nor one about nothing it knows', () => {
    const m = index.match('Cancel my flight to Rome');
    expect(m.route).toBeNull();
    expect(m.reason).toMatch(/cancel/);
    expect(index.match('Tell me a joke about cats').route).toBeNull();
    expect(m.candidates.length).toBeGreaterThan(0);
  });
  it('filters by tags', () => {
    expect(index.match('book a flight', { tags: ['inventory'] }).route).toBeNull();
    expect(index.match('book a flight', { tags: ['travel'] }).route?.skill).toBe('book-flight');
  });
  it('decides in well under 100 µs', () => {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) index.match('How many units of the red kettle are in stock in Lyon?');
    expect(((performance.now() - t0) / 2000) * 1000).toBeLessThan(100);
  });
});

describe('the labelled routing sets', () => {
  const dir = join(process.cwd(), 'test/fixtures/routing');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    it(`${f}: at least 20 skills and 100 requests with near-misses; scored`, () => {
      const set = loadRoutingSet(join(dir, f));
      expect(set.skills.length).toBeGreaterThanOrEqual(20);
      expect(set.requests.filter((r) => r.expect === null).length).toBeGreaterThanOrEqual(20);
      const s = scoreRoutingSet(set);
      // the figures bench:mesh reports; floors guard against regressions of the matcher
      expect(s.accuracy).toBeGreaterThan(0.75);
      expect(s.nearMissesRouted).toBeLessThan(0.2);
    });
  }
});
