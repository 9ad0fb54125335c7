/**
 * A guardrail verdict can send a call to a human: with an approval rule on guardrail findings, a
 * prompt that a content guardrail flags gets 403 `approval_required`; once approved, the retry
 * with `x-daca-approval` goes through. A clean prompt is not held.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDaca } from '../src/server/serve.js';
import { startTestDaca } from './support/in-process-daca.js';

let daca: RunningDaca;
let client: OpenAI;
const KEY = 'dk-guardrail-approval-key-000000000';

beforeAll(async () => {
  daca = await startTestDaca(`
providers:
  sim: { kind: sim }
models:
  small: { provider: sim, upstream: sim-small, price: { input: 1, output: 2 } }
keys:
  k: { value: "${KEY}", agent: clerk }
guardrails:
  policy: { actions: { pii: log } }
approvals:
  rules:
    flagged: { guardrails: ["*"] }
`);
  client = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: KEY, maxRetries: 0 });
});
afterAll(async () => {
  await daca?.close();
});

describe('guardrail verdict → approval', () => {
  it('holds a flagged prompt for a human and lets it through once approved', async () => {
    const messages = [{ role: 'user' as const, content: 'Please email the contract to carol@example.com today.' }];
    const err = (await client.chat.completions.create({ model: 'small', messages }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(403);
    expect(err.code).toBe('approval_required');
    const id = (err.error as { approval_id: string }).approval_id;
    expect(id).toBeTruthy();
    const dec = await fetch(`${daca.url}/api/approvals/${id}/approve`, { method: 'POST', headers: { authorization: 'Bearer test-admin-key-0123456789abcdef', 'content-type': 'application/json' }, body: JSON.stringify({ as: 'dana' }) });
    expect(dec.status).toBe(200);
    const ok = await client.chat.completions.create({ model: 'small', messages }, { headers: { 'x-daca-approval': id } });
    expect(ok.choices[0]!.message.content).toBeTruthy();
  });

  it('does not hold a prompt no guardrail flags', async () => {
    const r = await client.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: 'What is the capital of Spain?' }] });
    expect(r.choices[0]!.message.content).toBeTruthy();
  });
});
