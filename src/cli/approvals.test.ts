import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaca, TEST_ADMIN_KEY } from '../../test/support/in-process-daca.js';
import { ApprovalRequiredError } from '../errors.js';
import type { ApprovalContext } from '../guardrails/approvals/approval-types.js';
import { approvalsOf } from '../guardrails/approvals/node-approvals.js';
import type { RunningDaca } from '../server/serve.js';
import { registerApprovals } from './approvals.js';

const SPEC = `
providers: { sim: { kind: sim } }
models: { sim-small: { provider: sim }, sim-large: { provider: sim } }
approvals:
  rules:
    tools: { tools: [wire_money] }
    big: { cost_above_usd: 1 }
`;

let daca: RunningDaca;
beforeAll(async () => {
  daca = await startTestDaca(SPEC);
});
afterAll(() => daca.close());

/** Runs `daca approvals …` in this process against the test server; returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerApprovals(program);
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'daca', 'approvals', ...args, '--url', daca.url, '--admin-key', TEST_ADMIN_KEY]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

let n = 0;
async function pending(over: Partial<ApprovalContext> = {}): Promise<string> {
  const ctx: ApprovalContext = {
    subject: { keyId: 'k', tenant: 'default', team: 'default', agent: 'bot', session: null },
    request: { model: 'sim-large', messages: [{ role: 'user', content: `cli ${++n}` }] },
    estimatedCostMicros: 5_000_000,
    ...over,
  };
  const m = approvalsOf(daca.services).evaluate(ctx)!;
  const e = (await approvalsOf(daca.services).gate(ctx, m).catch((x: unknown) => x)) as ApprovalRequiredError;
  return e.details.approval_id as string;
}

describe('daca approvals', () => {
  it('lists pending approvals as a table and as JSON', async () => {
    const id = await pending();
    const table = await cli('list');
    expect(table).toMatch(/^ID\s+STATUS\s+AGENT\s+MODEL\s+RULE\s+REASON/);
    expect(table).toContain(id);
    const json = JSON.parse(await cli('list', '--json')) as { data: { id: string; status: string }[] };
    expect(json.data.find((a) => a.id === id)).toMatchObject({ status: 'pending' });
  });

  it('approves --as a named approver with a different model and max_tokens', async () => {
    const id = await pending();
    expect(await cli('approve', id, '--as', 'alice', '--model', 'sim-small', '--max-tokens', '32')).toBe(`approved ${id} by alice with changes\n`);
    expect(JSON.parse(await cli('show', id))).toMatchObject({ decided_by: 'alice', modifications: { model: 'sim-small', max_tokens: 32 } });
    expect(await cli('list', '--status', 'approved')).toContain(id);
  });

  it('approves with edited tool-call arguments, and rejects', async () => {
    const result = {
      id: 'c', created: 1, model: 'sim-large',
      choices: [{ index: 0, message: { role: 'assistant' as const, content: null, tool_calls: [{ id: 'call_9', type: 'function' as const, function: { name: 'wire_money', arguments: '{"amount":900}' } }] }, finish_reason: 'tool_calls' as const }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    const id = await pending({ toolCalls: result.choices[0]!.message.tool_calls, result });
    await cli('approve', id, '--as', 'bob', '--args', 'call_9={"amount":90}');
    expect(JSON.parse(await cli('show', id))).toMatchObject({ modifications: { tool_calls: [{ id: 'call_9', arguments: '{"amount":90}' }] } });

    const id2 = await pending();
    expect(await cli('reject', id2, '--note', 'no')).toBe(`rejected ${id2} by admin\n`);
  });

  it('fails with the server reason on a second decision', async () => {
    const id = await pending();
    await cli('reject', id, '--as', 'carol');
    await expect(cli('approve', id)).rejects.toThrow(/409: .*already rejected \(by carol\)/);
  });
});
