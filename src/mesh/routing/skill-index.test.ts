import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingSet, scoreRoutingSet } from './routing-set.js';
import { SkillIndex } from './skill-index.js';
import { stem } from './porter-stemmer.js';
import { FEATURE_NAMES } from './calibration.js';

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
  it('quotes the request\'s own words in its reasons, not stems or synonym concepts', () => {
    const m = index.match('Is the blue kettle in stock?');
    expect(m.route).toEqual({ agent: 'inventory', skill: 'check-stock' });
    expect(m.reason).toMatch(/matched .*'kettle'/);
    expect(m.reason).not.toMatch(/'kettl'/);
    const shop = new SkillIndex([
      { agent: 'seller', skill: 'quote', name: 'Price quote', description: 'Quote prices for kitchenware such as kettles and pans', examples: ['How much is the blue kettle?'], tags: [] },
      { agent: 'courier', skill: 'track', name: 'Track parcel', description: 'Where is my parcel or delivery', examples: ['Where is my order?'], tags: [] },
    ]);
    const none = shop.match('Book me a table for two tonight');
    expect(none.route).toBeNull();
    expect(none.reason).toMatch(/no skill mentions .*'table'/);
    expect(none.reason).not.toMatch(/prescription/);
  });
  it('does not route a request for another action on a known object, nor one about nothing it knows', () => {
    const m = index.match('Cancel my flight to Rome');
    expect(m.route).toBeNull();
    expect(m.reason).toMatch(/cancel/);
    expect(index.match('Tell me a joke about cats').route).toBeNull();
    expect(m.candidates.length).toBeGreaterThan(0);
  });
  it('gives every candidate a confidence in [0, 1] from features a reader can check', () => {
    const c = index.explain('How many units of the blue kettle are in stock?');
    expect(c[0]).toMatchObject({ agent: 'inventory', skill: 'check-stock' });
    for (const j of c) {
      expect(j.confidence).toBeGreaterThanOrEqual(0);
      expect(j.confidence).toBeLessThanOrEqual(1);
      expect(j.features).toHaveLength(FEATURE_NAMES.length);
    }
    // confidences of one request share the mass with "none of them"
    expect(c.reduce((s, j) => s + j.confidence, 0)).toBeLessThan(1);
    const m = index.match('How many units of the blue kettle are in stock?');
    expect(m.score).toBe(Math.round(c[0]!.confidence * 1000) / 1000);
    expect(m.reason).toMatch(/confidence/);
  });
  it('filters by tags', () => {
    expect(index.match('book a flight', { tags: ['inventory'] }).route).toBeNull();
    expect(index.match('book a flight', { tags: ['travel'] }).route?.skill).toBe('book-flight');
  });
  it('reads a misspelt word as the known word one edit away, and says so', () => {
    const m = index.match('how many unnits of the kettle are in stokc?');
    expect(m.route).toEqual({ agent: 'inventory', skill: 'check-stock' });
    expect(m.reason).toMatch(/'stokc'→'stock'/);
    // short real words are never bent into each other
    expect(index.match('fire the intern').route).toBeNull();
  });
  it('takes a decisive action from its verb, not from a noun of its family', () => {
    expect(index.match('Cancel my flight to Rome').route).toBeNull();
    // "cancellation" describes the flight here; the request asks to book
    const m = index.match('book a flight to Rome with free cancellation');
    expect(m.route).toEqual({ agent: 'travel', skill: 'book-flight' });
  });
  it('treats number words as arguments', () => {
    expect(index.match('book two flights to Rome').route).toEqual({ agent: 'travel', skill: 'book-flight' });
  });
});

/**
 * Regression floors per set, a little under the figures measured with the fitted weights
 * (`npm run bench:routing`). The weights are fitted on all four sets; the held-out figures (each
 * set scored with weights fitted on the others, `npm run bench:routing-train`) are lower and are
 * the ones docs/mesh.md reports. civic-d.jsonl was written before the confidence model, without
 * looking at the matcher's behaviour.
 */
const FLOORS: Record<string, { accuracy: number; nearMisses: number }> = {
  'marketplace-ops.jsonl': { accuracy: 0.84, nearMisses: 0.12 },
  'services-b.jsonl': { accuracy: 0.78, nearMisses: 0.15 },
  'workplace-c.jsonl': { accuracy: 0.78, nearMisses: 0.3 },
  'civic-d.jsonl': { accuracy: 0.65, nearMisses: 0.33 },
};

describe('the labelled routing sets', () => {
  const dir = join(process.cwd(), 'test/fixtures/routing');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    it(`${f}: at least 20 skills and 100 requests with near-misses; scored`, () => {
      const floor = FLOORS[f] ?? { accuracy: 0.75, nearMisses: 0.2 };
      const set = loadRoutingSet(join(dir, f));
      expect(set.skills.length).toBeGreaterThanOrEqual(20);
      expect(set.requests.filter((r) => r.expect === null).length).toBeGreaterThanOrEqual(20);
      const s = scoreRoutingSet(set);
      // the figures bench:mesh reports; floors guard against regressions of the matcher
      expect(s.accuracy).toBeGreaterThan(floor.accuracy);
      expect(s.nearMissesRouted).toBeLessThan(floor.nearMisses);
    });
  }
});
