import { describe, expect, it } from 'vitest';
import { PATTERN_DEMOS } from './demos.js';

describe('pattern demos (daca demo pattern <name>)', () => {
  const expectations: Record<string, RegExp> = {
    hierarchy: /^(?=[\s\S]*stalled)(?=[\s\S]*reassigned)(?=[\s\S]*escalated)[\s\S]*results: .*"t3":9.*abandoned: bad/,
    'contract-net': /breached[\s\S]*fulfilled/,
    negotiation: /accepted[\s\S]*seller:2[\s\S]*no agreement in 8 rounds/,
    pubsub: /app:b got 2[\s\S]*app:a got 3|app:a got 3[\s\S]*app:b got 2/,
    auctions: /pays the second price 135/,
    voting: /ranked-choice → b/,
    'worker-group': /"peak":8[\s\S]*live instances 0/,
    deadlock: /deadlock: lock:[ab] → lock:[ab][\s\S]*backed off \(deadlock\)/,
  };
  for (const [name, re] of Object.entries(expectations))
    it(`${name} runs and shows what it is about`, async () => {
      const lines: string[] = [];
      await PATTERN_DEMOS[name]!.run((l) => void lines.push(l));
      expect(lines.join('\n')).toMatch(re);
    });
});
