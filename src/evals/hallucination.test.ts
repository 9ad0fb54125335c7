/**
 * The claim-support check on hand-made outputs.
 */
import { describe, expect, it } from 'vitest';
import { checkClaims } from './hallucination.js';

const CONTEXT = ['Order 1042 shipped from Lyon on 12 May and weighs 2.5 kg.', 'Refunds take 5 business days; contact ACME support.'];

describe('checkClaims', () => {
  it('accepts numbers and names found in the context', () => {
    const r = checkClaims('Your order 1042 shipped from Lyon on 12 May. It weighs 2.50 kg. Refunds take 5 days via ACME.', CONTEXT);
    expect(r.claims).toBe(3);
    expect(r.unsupportedCount).toBe(0);
  });

  it('flags invented numbers and entities, naming what was missing', () => {
    const r = checkClaims('Your order shipped from Berlin. It arrives in 3 days. Thanks for your patience!', CONTEXT);
    expect(r.claims).toBe(2);
    expect(r.unsupportedCount).toBe(2);
    expect(r.unsupported).toEqual([
      { sentence: 'Your order shipped from Berlin.', missing: ['Berlin'] },
      { sentence: 'It arrives in 3 days.', missing: ['3'] },
    ]);
  });

  it('ignores sentences without checkable facts and common sentence openers', () => {
    const r = checkClaims('Thanks for asking. The team will review it. However, we should wait.', CONTEXT);
    expect(r.claims).toBe(0);
  });

  it('treats a capitalised first word that is not a common opener as an entity', () => {
    expect(checkClaims('Madrid is where it shipped from.', CONTEXT).unsupported[0]!.missing).toEqual(['Madrid']);
    expect(checkClaims('Lyon is where it shipped from.', CONTEXT).unsupportedCount).toBe(0);
  });

  it('normalises thousands separators', () => {
    expect(checkClaims('It costs 1,200 dollars.', ['The price is 1200 dollars.']).unsupportedCount).toBe(0);
  });
});
