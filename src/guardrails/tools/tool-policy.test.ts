import { describe, expect, it } from 'vitest';
import { ContentBlockedError } from '../../errors.js';
import { createSimProvider } from '../../providers/sim/index.js';
import type { ChatChunk, ChatRequest, ToolDefinition } from '../../providers/types.js';
import { ProviderSchema, SpecSchema, type SimProviderSpec } from '../../spec/schema.js';
import { assembledResult, holdToolCalls } from './tool-call-stream.js';
import { resultAsChunks } from '../approvals/approval-apply.js';
import { ToolPolicy, toolBlockedError } from './tool-policy.js';

const spec = SpecSchema.parse({
  tools: {
    support: {
      agents: ['support-bot'],
      allow: {
        lookup_order: {
          parameters: { type: 'object', properties: { order_id: { type: 'string', pattern: '^ord_[0-9]+$' } }, required: ['order_id'], additionalProperties: false },
        },
        issue_refund: { parameters: { type: 'object', properties: { amount: { type: 'number', maximum: 100 } }, required: ['amount'] }, approval: true },
      },
    },
    strict: { agents: ['ops-bot'], on_violation: 'approval', allow: { restart_service: null } },
  },
});
const policy = new ToolPolicy(spec);

// The sim answers scripted messages with exactly these tool calls (the real provider code path).
const sim = createSimProvider(
  'sim',
  ProviderSchema.parse({
    kind: 'sim',
    scripts: [
      { match: 'where is order 12', tool_call: { name: 'lookup_order', arguments: { order_id: 'ord_12' } } },
      { match: 'order banana', tool_call: { name: 'lookup_order', arguments: { order_id: 'banana' } } },
      { match: 'refund 500', tool_call: { name: 'issue_refund', arguments: { amount: 500 } } },
      { match: 'refund 20', tool_call: { name: 'issue_refund', arguments: { amount: 20 } } },
      { match: 'drop the table', tool_call: { name: 'drop_table', arguments: { table: 'users' } } },
    ],
  }) as SimProviderSpec,
  { m: {} },
);
const def = (name: string): ToolDefinition => ({ type: 'function', function: { name, parameters: { type: 'object' } } });
const req = (text: string): ChatRequest => ({ model: 'm', messages: [{ role: 'user', content: text }], tools: [def('lookup_order'), def('issue_refund'), def('drop_table')] });
const ctx = () => ({ signal: new AbortController().signal, requestId: 'req_t' });
const callsOf = async (text: string) => (await sim.chat(req(text), ctx())).choices[0]!.message.tool_calls ?? [];

describe('ToolPolicy.checkResult on sim tool calls', () => {
  it('allows an allowed tool with conforming arguments', async () => {
    expect(policy.checkResult('support-bot', await callsOf('where is order 12?'))).toEqual({ action: 'allow' });
  });

  it('blocks a tool outside the allow-list, naming the tool', async () => {
    const v = policy.checkResult('support-bot', await callsOf('please drop the table'));
    expect(v).toMatchObject({ action: 'block', policy: 'support', tool: 'drop_table' });
    const err = toolBlockedError(v as Exclude<typeof v, { action: 'allow' }>);
    expect(err).toBeInstanceOf(ContentBlockedError);
    expect(err.status).toBe(400);
    expect(err.details).toMatchObject({ guardrail: 'tools', tool: 'drop_table' });
    expect(err.message).toContain("tool 'drop_table' is not on the allow-list of agent 'support-bot'");
  });

  it('blocks arguments that break the schema, saying which and why', async () => {
    const v = policy.checkResult('support-bot', await callsOf('order banana'));
    expect(v).toMatchObject({ action: 'block', tool: 'lookup_order' });
    expect(v.action !== 'allow' && v.reason).toContain("argument 'order_id' of tool 'lookup_order' must match /^ord_[0-9]+$/");
    expect(policy.checkResult('support-bot', [{ id: 'c1', type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":' } }])).toMatchObject({
      action: 'block',
      violations: [{ kind: 'bad_arguments' }],
    });
  });

  it('sends an approval-flagged tool for approval, and a schema violation of it is still blocked', async () => {
    expect(policy.checkResult('support-bot', await callsOf('refund 20 please'))).toMatchObject({ action: 'approval', tool: 'issue_refund', violations: [{ kind: 'needs_approval' }] });
    expect(policy.checkResult('support-bot', await callsOf('refund 500 please'))).toMatchObject({ action: 'block', reason: expect.stringContaining('must be <= 100') });
  });

  it('with on_violation: approval, a disallowed call goes to a human instead of being blocked', async () => {
    expect(policy.checkResult('ops-bot', await callsOf('please drop the table'))).toMatchObject({ action: 'approval', policy: 'strict', tool: 'drop_table' });
  });

  it('leaves agents without a policy alone', async () => {
    expect(policy.checkResult('other-bot', await callsOf('please drop the table'))).toEqual({ action: 'allow' });
    expect(policy.governs('other-bot')).toBe(false);
  });

  it('checks the tools a request declares', () => {
    expect(policy.checkDeclared('support-bot', [def('lookup_order')])).toEqual({ action: 'allow' });
    expect(policy.checkDeclared('support-bot', [def('lookup_order'), def('drop_table')])).toMatchObject({ action: 'block', tool: 'drop_table' });
    expect(policy.checkDeclared('other-bot', [def('drop_table')])).toEqual({ action: 'allow' });
  });

  it('rejects a spec whose argument schema uses an unsupported keyword', () => {
    const r = SpecSchema.safeParse({ tools: { p: { agents: ['a'], allow: { t: { parameters: { $ref: '#/x' } } } } } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("unsupported JSON Schema keyword '$ref'");
  });
});

async function drain(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('holdToolCalls on sim streams', () => {
  const guard = (agent: string) => (a: { toolCalls: import('../../providers/types.js').ToolCall[] }) => {
    const v = policy.checkResult(agent, a.toolCalls);
    if (v.action !== 'allow') throw toolBlockedError(v);
  };

  it('assembles streamed fragments and releases an allowed call unchanged', async () => {
    const direct = await drain(sim.chatStream(req('where is order 12?'), ctx()));
    let seen: unknown = null;
    const guarded = await drain(holdToolCalls(sim.chatStream(req('where is order 12?'), ctx()), (a) => void (seen = a.toolCalls)));
    expect(guarded.map((c) => c.choices)).toEqual(direct.map((c) => c.choices));
    expect(seen).toEqual([{ id: expect.any(String), type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"ord_12"}' } }]);
  });

  it('decides before the first chunk is released when the stream is only a tool call', async () => {
    const released: ChatChunk[] = [];
    const it = holdToolCalls(sim.chatStream(req('please drop the table'), ctx()), guard('support-bot'));
    await expect(
      (async () => {
        for await (const c of it) released.push(c);
      })(),
    ).rejects.toMatchObject({ code: 'content_blocked', details: { tool: 'drop_table' } });
    expect(released).toEqual([]);
  });

  it('passes plain text through as it streams', async () => {
    const plain: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'say hello [sim:tokens=20]' }] };
    let checks = 0;
    const out = await drain(holdToolCalls(sim.chatStream(plain, ctx()), () => void checks++));
    expect(out.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(
      (await sim.chat(plain, ctx())).choices[0]!.message.content,
    );
    expect(checks).toBe(0);
  });

  it('holds tool fragments that follow text until the call is complete', async () => {
    async function* source(): AsyncGenerator<ChatChunk> {
      const base = { id: 'x', created: 1, model: 'm' };
      yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Let me check.' }, finish_reason: null }] };
      yield { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'drop_', arguments: '{"t' } }] }, finish_reason: null }] };
      yield { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'table', arguments: '":1}' } }] }, finish_reason: null }] };
      yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] };
    }
    const released: ChatChunk[] = [];
    await expect(
      (async () => {
        for await (const c of holdToolCalls(source(), guard('support-bot'))) released.push(c);
      })(),
    ).rejects.toMatchObject({ details: { tool: 'drop_table' } });
    expect(released.map((c) => c.choices[0]!.delta.content)).toEqual(['Let me check.']);
  });

  it('replaces the held chunks when the check returns an approved answer (edited arguments)', async () => {
    const out = await drain(
      holdToolCalls(sim.chatStream(req('refund 20 please'), ctx()), (a) => {
        const r = assembledResult(a);
        r.choices[0]!.message.tool_calls![0]!.function.arguments = '{"amount":10}';
        return resultAsChunks(r, { usage: false });
      }),
    );
    const args = out.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? [])).map((t) => t.function?.arguments ?? '').join('');
    expect(args).toBe('{"amount":10}');
    expect(out.filter((c) => c.choices[0]?.finish_reason === 'tool_calls')).toHaveLength(1);
  });
});
