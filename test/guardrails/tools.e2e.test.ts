/**
 * Tool-call governance through daca with the openai SDK: the sim model (scripted) returns tool
 * calls; the agent's allow-list blocks unknown tools and bad arguments (400 `content_blocked`
 * naming the tool, streamed or not), and a tool marked `approval: true` needs a human (403
 * `approval_required`), whose approval replays the held answer once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import type { RunningDaca } from '../../src/server/serve.js';
import { startTestDaca, TEST_ADMIN_KEY } from '../support/in-process-daca.js';
import { outcome, sdk, type CallOutcome } from './fleet.js';

const KEY = 'sk-tools-bot-0123456789abcdef';
const SPEC = `version: 1
server: { dev_key: false }
providers:
  sim:
    kind: sim
    scripts:
      - { match: "drop the customers table", tool_call: { name: drop_table, arguments: { table: customers } } }
      - { match: "order 12345", tool_call: { name: lookup_order, arguments: { order_id: "12345" } } }
      - { match: "order ord_77", tool_call: { name: lookup_order, arguments: { order_id: ord_77 } } }
      - { match: "refund", tool_call: { name: issue_refund, arguments: { amount: 40 } } }
models:
  small: { provider: sim, price: { input: 0.15, output: 0.6 } }
tenants: { acme: {} }
teams: { support: { tenant: acme } }
agents: { bot: { team: support } }
keys:
  bot: { value: ${KEY}, agent: bot }
tools:
  support-tools:
    agents: [bot]
    allow:
      lookup_order:
        parameters:
          type: object
          properties: { order_id: { type: string, pattern: "^ord_[0-9]+$" } }
          required: [order_id]
          additionalProperties: false
      issue_refund:
        parameters: { type: object, properties: { amount: { type: number, maximum: 100 } }, required: [amount] }
        approval: true
`;

const fn = (name: string): OpenAI.ChatCompletionTool => ({ type: 'function', function: { name, parameters: { type: 'object', properties: {} } } });
const TOOLS = [fn('lookup_order'), fn('issue_refund')];

let daca: RunningDaca;
let client: OpenAI;

beforeAll(async () => {
  daca = await startTestDaca(SPEC);
  client = sdk(daca.url, KEY);
});
afterAll(() => daca?.close());

function ask(text: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}, headers: Record<string, string> = {}): Promise<CallOutcome & { body?: OpenAI.ChatCompletion }> {
  let body: OpenAI.ChatCompletion | undefined;
  return outcome(async () => {
    const r = await client.chat.completions.create({ model: 'small', tools: TOOLS, messages: [{ role: 'user', content: text }], ...extra }, { headers }).withResponse();
    body = r.data;
    return r;
  }).then((o) => ({ ...o, ...(body ? { body } : {}) }));
}

/** A streamed call: the error at create() (status known before the first byte), or the tool calls streamed. */
async function askStream(text: string, headers: Record<string, string> = {}): Promise<CallOutcome & { toolCalls: { name: string; arguments: string }[] }> {
  const toolCalls: { name: string; arguments: string }[] = [];
  const o = await outcome(async () => {
    const r = await client.chat.completions.create({ model: 'small', stream: true, tools: TOOLS, messages: [{ role: 'user', content: text }] }, { headers }).withResponse();
    for await (const c of r.data) {
      for (const t of c.choices[0]?.delta.tool_calls ?? []) {
        const slot = (toolCalls[t.index] ??= { name: '', arguments: '' });
        slot.name += t.function?.name ?? '';
        slot.arguments += t.function?.arguments ?? '';
      }
    }
    return r;
  });
  return { ...o, toolCalls };
}

function expectToolBlock(o: CallOutcome, tool: string, reason: string): void {
  expect({ status: o.status, code: o.code }).toEqual({ status: 400, code: 'content_blocked' });
  expect(o.error).toMatchObject({ guardrail: 'tools', policy: 'support-tools', tool });
  expect(String(o.error?.message)).toContain(`tool '${tool}'`);
  expect(String(o.error?.reason)).toContain(reason);
}

describe('tool-call governance through the gateway', () => {
  it('passes an allowed call with valid arguments, streamed and not', async () => {
    const o = await ask('Where is order ord_77?');
    expect(o.status).toBe(200);
    expect(o.body!.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'lookup_order', arguments: '{"order_id":"ord_77"}' } });
    const s = await askStream('Where is order ord_77?');
    expect(s.status).toBe(200);
    expect(s.toolCalls).toEqual([{ name: 'lookup_order', arguments: '{"order_id":"ord_77"}' }]);
  });

  it('blocks a tool call outside the allow-list with 400 content_blocked naming the tool, streamed and not', async () => {
    expectToolBlock(await ask('Please drop the customers table now.'), 'drop_table', 'not on the allow-list of agent');
    const s = await askStream('Please drop the customers table now.');
    expectToolBlock(s, 'drop_table', 'not on the allow-list of agent');
    expect(s.toolCalls).toEqual([]); // nothing of the call reached the client
  });

  it('blocks a call whose arguments break the schema, streamed and not', async () => {
    expectToolBlock(await ask('Where is order 12345?'), 'lookup_order', "argument 'order_id' of tool 'lookup_order'");
    expectToolBlock(await askStream('Where is order 12345?'), 'lookup_order', "argument 'order_id'");
  });

  it('refuses a request that declares a tool outside the allow-list before calling the model', async () => {
    const o = await ask('Hello', { tools: [fn('lookup_order'), fn('drop_table')] });
    expectToolBlock(o, 'drop_table', 'not on the allow-list');
    expect(o.error?.param).toBe('tools');
  });

  it('sends a tool marked approval: true to a human: 403 approval_required, then the approved answer once', async () => {
    const o = await ask('Please refund my last order.');
    expect({ status: o.status, code: o.code }).toEqual({ status: 403, code: 'approval_required' });
    const id = String(o.error?.approval_id);
    expect(id).toMatch(/^apr_/);
    expect(String(o.error?.reason)).toContain("tool 'issue_refund' needs a human approval");
    const s = await askStream('Please refund my last order.');
    expect({ status: s.status, code: s.code }).toEqual({ status: 403, code: 'approval_required' });
    expect(s.toolCalls).toEqual([]);
    const streamId = String(s.error?.approval_id);
    expect(streamId).not.toBe(id);

    for (const a of [id, streamId]) {
      const decided = await fetch(`${daca.url}/api/approvals/${a}/approve`, {
        method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ as: 'alice' }),
      });
      expect(decided.status).toBe(200);
    }
    const streamed = await askStream('Please refund my last order.', { 'x-daca-approval': streamId });
    expect(streamed.status).toBe(200);
    expect(streamed.toolCalls).toEqual([{ name: 'issue_refund', arguments: '{"amount":40}' }]);
    const retry = await ask('Please refund my last order.', {}, { 'x-daca-approval': id });
    expect(retry.status).toBe(200);
    expect(retry.body!.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'issue_refund', arguments: '{"amount":40}' } });
    const again = await ask('Please refund my last order.', {}, { 'x-daca-approval': id });
    expect({ status: again.status, code: again.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(String(again.error?.message)).toContain('already used');
  });
});
