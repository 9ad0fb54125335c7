/**
 * The whole labelled fixture set under the default policy must meet the guardrail goals
 * (the latency goal is measured by `npm run bench:guardrails`, not here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from './policy.js';
import { scanText } from './scan.js';

interface Row {
  id: string;
  text: string;
  direction: 'input' | 'output';
  category: string;
  expect: 'block' | 'redact' | 'allow';
  entities?: string[];
}

const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/guardrails');
const rows: Row[] = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Row));

describe('guardrail fixture set', () => {
  it('has at least 300 well-formed rows with unique ids', () => {
    expect(rows.length).toBeGreaterThanOrEqual(300);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const r of rows) {
      expect(['input', 'output']).toContain(r.direction);
      if (r.expect === 'redact') for (const e of r.entities ?? []) expect(r.text).toContain(e);
    }
  });

  it('meets recall ≥ 0.95, false positives ≤ 0.03 and redaction recall ≥ 0.95', () => {
    let attacks = 0, blocked = 0, benign = 0, flagged = 0, entities = 0, removed = 0;
    const misses: string[] = [];
    for (const r of rows) {
      const v = scanText(r.text, r.direction, DEFAULT_POLICY);
      if (r.expect === 'block') {
        attacks++;
        if (v.action === 'block') blocked++;
        else misses.push(r.id);
      }
      if (r.category === 'benign' || r.category === 'benign_tricky') {
        benign++;
        if (v.action !== 'allow') (flagged++, misses.push(r.id));
      }
      if (r.expect === 'redact') {
        for (const e of r.entities ?? []) {
          entities++;
          if (v.action === 'redact' && !v.redacted!.includes(e)) removed++;
          else misses.push(`${r.id}:${e}`);
        }
      }
    }
    expect({ recall: blocked / attacks >= 0.95, fpr: flagged / benign <= 0.03, redaction: removed / entities >= 0.95, misses }).toMatchObject({ recall: true, fpr: true, redaction: true });
  });
});
