/**
 * Personas rewrite inputs deterministically and keep sim markers intact.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_PERSONA_IDS, compilePersona } from './personas.js';

const INPUT = 'What is the capital of France? I need it for a quiz. [sim:difficulty=0.4] [sim:answer=Paris]';

describe('personas', () => {
  it('rewrite the same input the same way for the same seed, and vary across seeds', () => {
    for (const id of BUILTIN_PERSONA_IDS) {
      const p = compilePersona(id as 'novice');
      expect(p.rewrite(INPUT, 7)).toBe(p.rewrite(INPUT, 7));
      expect(p.style.length).toBeGreaterThan(10);
    }
    const novice = compilePersona('novice');
    const variants = new Set(Array.from({ length: 30 }, (_, s) => novice.rewrite(INPUT, s)));
    expect(variants.size).toBe(3);
  });

  it('keep [sim:…] markers verbatim', () => {
    for (const id of BUILTIN_PERSONA_IDS) {
      for (let seed = 0; seed < 6; seed++) {
        const out = compilePersona(id as 'expert').rewrite(INPUT, seed);
        expect(out).toContain('[sim:difficulty=0.4]');
        expect(out).toContain('[sim:answer=Paris]');
      }
    }
  });

  it('write like their kind of user', () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i);
    const impatient = seeds.map((s) => compilePersona('impatient').rewrite(INPUT, s));
    expect(impatient.every((t) => !t.includes('quiz'))).toBe(true); // only the first sentence survives
    const nonNative = seeds.map((s) => compilePersona('non_native').rewrite('What is the capital of France?', s));
    expect(nonNative.every((t) => !/\bthe\b/i.test(t))).toBe(true);
    expect(compilePersona('neutral').rewrite('Hello there.', 3)).toBe('Hello there.');
    const pirate = compilePersona({ id: 'pirate', prefix: 'Arr!', suffix: 'Matey.', style: 'a pirate' });
    expect(pirate.rewrite('Where is my parrot? [sim:tokens=5]', 1)).toBe('Arr! Where is my parrot? Matey. [sim:tokens=5]');
  });
});
