/**
 * External guardrails through the gateway with the official OpenAI SDK: a signed webhook that
 * blocks, redacts and times out (on_error allow vs block), and an LLM judge answered by the sim
 * through daca itself. A block is 400 `content_blocked` naming `external:<name>`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../src/guardrails/external/index.js';
import type { RunningDaca } from '../src/server/serve.js';
import { startTestDaca } from './support/in-process-daca.js';

const SECRET = 'hook-secret-123';
const KEY = 'dk-external-guard-key-000000000000';
const JKEY = 'dk-external-judge-key-00000000000';
let hook: Server;
let hookUrl: string;
const seen: { body: Record<string, unknown>; signed: boolean }[] = [];
let daca: RunningDaca;
let client: OpenAI;
let judged: OpenAI;

function textOf(body: Record<string, unknown>): string {
  return body.direction === 'output' ? String(body.text) : JSON.stringify(body.messages);
}

beforeAll(async () => {
  hook = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      const signed = req.headers['x-daca-signature'] === webhookSignature(SECRET, raw);
      seen.push({ body, signed });
      const t = textOf(body);
      const reply = (o: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
      if (!signed) return reply({ action: 'block', reason: 'bad signature' });
      if (t.includes('slowpoke')) return void setTimeout(() => reply({ action: 'allow' }), 1500);
      if (t.includes('plutonium')) return reply({ action: 'block', reason: 'mentions plutonium' });
      if (body.direction === 'input' && t.includes('codename-x')) {
        const messages = (body.messages as { role: string; content: string }[]).map((m) => ({ ...m, content: m.content.replace(/codename-x/g, '[CODENAME]') }));
        return reply({ action: 'redact', reason: 'codename', redacted_messages: messages });
      }
      return reply({ action: 'allow' });
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/check`;
  daca = await startTestDaca(`
providers:
  sim:
    kind: sim
    scripts:
      - { match: "smuggle", reply: '{"verdict":"block","reason":"plans smuggling"}' }
      - { match: "^(system|user|assistant):", reply: '{"verdict":"allow","reason":"fine"}' }
      - { match: '\\[CODENAME\\]', reply: "I saw a redacted codename." }
      - { match: "codename-x", reply: "I saw the raw codename." }
      - { match: "heaviest element", reply: "That would be plutonium, roughly speaking." }
models:
  m: { provider: sim, upstream: sim-1, price: { input: 1, output: 2 } }
  judge-model: { provider: sim, upstream: sim-judge, price: { input: 1, output: 2 } }
keys:
  k: { value: "${KEY}", agent: helper }
  j: { value: "${JKEY}", agent: judged }
guardrails:
  external:
    - { name: hook, type: webhook, url: "${hookUrl}", direction: both, timeout_ms: 300, on_error: allow, secret: "${SECRET}", agents: [helper] }
    - { name: strict-hook, type: webhook, url: "${hookUrl}", direction: input, timeout_ms: 300, on_error: block, secret: "${SECRET}", agents: [judged] }
    - { name: referee, type: judge, model: judge-model, rubric: "Block anything about smuggling.", direction: input, on_error: block, agents: [judged] }
`);
  client = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: KEY, maxRetries: 0 });
  judged = new OpenAI({ baseURL: `${daca.url}/v1`, apiKey: JKEY, maxRetries: 0 });
});
afterAll(async () => {
  await daca?.close();
  await new Promise((r) => hook?.close(r));
});

async function blocked(c: OpenAI, content: string, stream = false): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
  const err = await (stream
    ? c.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content }] }).then(async (s) => { for await (const _ of s) void _; })
    : c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] })
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  return err as InstanceType<typeof OpenAI.BadRequestError>;
}

describe('external guardrails', () => {
  it('sends a signed webhook request and passes an allowed call', async () => {
    const before = seen.length;
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
    expect(r.choices[0]!.message.content).toBeTruthy();
    const mine = seen.slice(before);
    expect(mine.map((s) => s.body.direction)).toEqual(['input', 'output']);
    expect(mine.every((s) => s.signed)).toBe(true);
    expect(mine[0]!.body).toMatchObject({ agent: 'helper', tenant: expect.any(String), request_id: expect.any(String) });
  });

  it('blocks an input with 400 content_blocked naming external:<name> and the reason', async () => {
    const err = await blocked(client, 'where can I buy plutonium?');
    expect(err.code).toBe('content_blocked');
    expect(err.error).toMatchObject({ guardrail: 'external:hook', reason: 'mentions plutonium' });
  });

  it('redacts the input before the model sees it', async () => {
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'tell me about codename-x please' }] });
    expect(r.choices[0]!.message.content).toBe('I saw a redacted codename.');
  });

  it('blocks a complete output with 400 naming the guardrail', async () => {
    const err = await blocked(client, 'what is the heaviest element?');
    expect(err.error).toMatchObject({ guardrail: 'external:hook', reason: 'mentions plutonium', direction: 'output' });
  });

  it('a timeout follows on_error: allow passes, block refuses', async () => {
    const ok = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'slowpoke question' }] });
    expect(ok.choices[0]!.message.content).toBeTruthy();
    const err = await blocked(judged, 'slowpoke question');
    expect(err.error).toMatchObject({ guardrail: 'external:strict-hook' });
    expect(String((err.error as { reason: string }).reason)).toMatch(/unavailable/);
  });

  it('an LLM judge called through the gateway blocks, and its call is metered under the agent with guardrail=<name>', async () => {
    const err = await blocked(judged, 'help me smuggle goods across the border');
    expect(err.error).toMatchObject({ guardrail: 'external:referee', reason: 'plans smuggling' });
    const fine = await judged.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a nice poem about spring' }] });
    expect(fine.choices[0]!.message.content).toBeTruthy();
    await daca.services.recorder.flush();
    const rows = await daca.services.store.usage.list({ agent: 'judged', tags: { guardrail: 'referee' } });
    expect(rows.length).toBe(2);
    expect(rows.every((u) => u.model === 'judge-model' && u.status === 200)).toBe(true);
  });

  it('checks streamed output at the end: allowed text is the text that streamed', async () => {
    const before = seen.length;
    const s = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'write a short note' }] });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBeTruthy();
    const mine = seen.slice(before);
    expect(mine.map((x) => x.body.direction)).toEqual(['input', 'output']);
    expect(mine[1]!.body.text).toBe(text);
  });

  it('a late block ends the stream with an in-band content_blocked error', async () => {
    const s = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'what is the heaviest element?' }] });
    let finished = false;
    const err = await (async () => {
      for await (const c of s) if (c.choices[0]?.finish_reason) finished = true;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/external:hook/);
    expect(finished).toBe(false);
  });
});
