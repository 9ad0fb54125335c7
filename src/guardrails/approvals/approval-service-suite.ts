/**
 * The ApprovalService test suite, run against each store engine (SQLite in `approval-service.test.ts`,
 * PostgreSQL in `approval-service.integration.test.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalRequiredError, ConflictError, ForbiddenError, InvalidRequestError } from '../../errors.js';
import type { ChatResult } from '../../providers/types.js';
import { SpecSchema } from '../../spec/schema.js';
import type { Store } from '../../store/types.js';
import { approvedRequestChanges, approvedResult, resultAsChunks } from './approval-apply.js';
import { ApprovalService } from './approval-service.js';
import type { ApprovalContext } from './approval-types.js';

/** A spec with one rule of each kind. */
export const APPROVAL_TEST_SPEC = SpecSchema.parse({
  providers: { sim: { kind: 'sim' } },
  models: { 'sim-small': { provider: 'sim' }, 'sim-large': { provider: 'sim' } },
  aliases: { small: 'sim-small' },
  tenants: { acme: {} },
  teams: { ops: { tenant: 'acme' } },
  agents: { 'pay-bot': { team: 'ops', risk: 'high' }, 'help-bot': { team: 'ops', risk: 'low' } },
  approvals: {
    expire_after: '10m',
    poll_ms: 40,
    rules: {
      'big-spend': { cost_above_usd: 0.5 },
      risky: { risk: ['high'], expire_after: '1m' },
      flagged: { guardrails: ['pii.card'] },
      'money-tools': { tools: ['wire_money'], agents: ['help-bot'] },
    },
  },
});

/** A context for `help-bot` (no risk rule) with the given extras. */
export function approvalCtx(over: Partial<ApprovalContext> = {}, text = 'pay the invoice'): ApprovalContext {
  return {
    subject: { keyId: 'key_help', tenant: 'acme', team: 'ops', agent: 'help-bot', session: 's1' },
    request: { model: 'sim-large', messages: [{ role: 'user', content: text }], max_tokens: 400 },
    ...over,
  };
}

const toolResult: ChatResult = {
  id: 'chatcmpl-1', created: 1, model: 'sim-large',
  choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'wire_money', arguments: '{"amount":900}' } }] }, finish_reason: 'tool_calls' }],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
};

/** Runs the suite against stores from `open` (each test gets the same store; ids never clash). */
export function describeApprovalSuite(engine: string, open: () => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`ApprovalService on ${engine}`, () => {
    let store: Store;
    let t = 1_700_000_000_000;
    const clock = () => t;
    let svc: ApprovalService;
    const approver = { name: 'alice', keyId: 'admin' };

    beforeAll(async () => {
      store = await open();
      svc = new ApprovalService({ store, spec: APPROVAL_TEST_SPEC, now: clock });
    });
    afterAll(async () => {
      svc.stop();
      await store.close();
      await cleanup?.();
    });

    it('evaluates cost, risk, guardrail and tool rules; nothing else needs approval', () => {
      expect(svc.evaluate(approvalCtx())).toBeNull();
      expect(svc.evaluate(approvalCtx({ estimatedCostMicros: 500_000 }))).toBeNull();
      expect(svc.evaluate(approvalCtx({ estimatedCostMicros: 620_000 }))).toMatchObject({ ruleId: 'big-spend', reason: expect.stringContaining('$0.62 exceeds $0.50') });
      expect(svc.evaluate(approvalCtx({ subject: { ...approvalCtx().subject, agent: 'pay-bot' } }))).toMatchObject({ ruleId: 'risky', expireAfterMs: 60_000 });
      expect(svc.evaluate(approvalCtx({ guardrailFlags: [{ guardrail: 'pii.email', reason: 'email' }] }))).toBeNull();
      expect(svc.evaluate(approvalCtx({ guardrailFlags: [{ guardrail: 'pii.card', reason: 'a card number' }] }))).toMatchObject({ ruleId: 'flagged' });
      // Tool rules look at returned calls only, and only for their agents.
      expect(svc.evaluate(approvalCtx({ toolCalls: toolResult.choices[0]!.message.tool_calls! }))).toMatchObject({ ruleId: 'money-tools', reason: expect.stringContaining("tool 'wire_money'") });
      expect(svc.evaluate(approvalCtx({ subject: { ...approvalCtx().subject, agent: 'other' }, toolCalls: toolResult.choices[0]!.message.tool_calls! }))).toBeNull();
    });

    it('a matching request becomes 403 approval_required with approval_id, reason and expires_at', async () => {
      const err = await svc.admit(approvalCtx({ estimatedCostMicros: 900_000 })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApprovalRequiredError);
      const e = err as ApprovalRequiredError;
      expect(e.status).toBe(403);
      expect(e.details).toEqual({ approval_id: expect.stringMatching(/^apr_/), reason: expect.stringContaining('big-spend'), expires_at: new Date(t + 600_000).toISOString() });
      const a = await svc.get(e.details.approval_id as string);
      expect(a).toMatchObject({ status: 'pending', stage: 'request', ruleId: 'big-spend', estimatedCostMicros: 900_000, subject: { agent: 'help-bot' } });
      expect((await svc.list({ status: 'pending' })).map((x) => x.id)).toContain(a.id);
    });

    it('approved once, redeemed once, by the same principal for the same request', async () => {
      const ctx = approvalCtx({ estimatedCostMicros: 900_000 }, 'same request');
      const a = await svc.request(ctx);
      await expect(svc.admit(ctx, { approvalId: a.id })).rejects.toBeInstanceOf(ApprovalRequiredError); // still pending
      const decided = await svc.decide(a.id, { decision: 'approve', approver, note: 'ok for this month' });
      expect(decided).toMatchObject({ status: 'approved', decidedBy: 'alice', decidedKey: 'admin', decidedAt: t });

      await expect(svc.admit({ ...ctx, subject: { ...ctx.subject, keyId: 'key_other' } }, { approvalId: a.id })).rejects.toThrow(/another key or agent/);
      await expect(svc.admit(approvalCtx({}, 'a different request'), { approvalId: a.id })).rejects.toThrow(/different request/);
      const used = await svc.admit(ctx, { approvalId: a.id });
      expect(used).toMatchObject({ id: a.id, status: 'approved', consumedAt: t });
      const again = await svc.admit(ctx, { approvalId: a.id }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(ForbiddenError);
      expect((again as ForbiddenError).message).toContain('single-use');
      await expect(svc.decide(a.id, { decision: 'reject', approver })).rejects.toBeInstanceOf(ConflictError);
    });

    it('requestOnce inserts one approval per id, however many callers race for it', async () => {
      const id = `apr_once_${engine}_${t}`;
      const m = { ruleId: 'big-spend', reason: 'a goal asks for a person' };
      const other = new ApprovalService({ store, spec: APPROVAL_TEST_SPEC, now: clock }); // another node
      const all = await Promise.all([svc, other, svc, other].map((x) => x.requestOnce(id, approvalCtx(), m)));
      expect(all.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(all.map((r) => r.approval.id))).toEqual(new Set([id]));
      expect((await svc.list({ limit: 1000 })).filter((a) => a.id === id)).toHaveLength(1);
      await svc.decide(id, { decision: 'reject', approver });
      expect(await other.requestOnce(id, approvalCtx(), m)).toMatchObject({ created: false, approval: { id, status: 'rejected' } });
    });

    it('a rejection is a 403 naming the approver; an unknown id is refused', async () => {
      const ctx = approvalCtx({ estimatedCostMicros: 900_000 }, 'reject me');
      const a = await svc.request(ctx);
      await svc.decide(a.id, { decision: 'reject', approver: { name: 'bob', keyId: 'admin' }, note: 'too expensive' });
      const e = await svc.admit(ctx, { approvalId: a.id }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ForbiddenError);
      expect((e as ForbiddenError).details).toMatchObject({ approval_id: a.id, status: 'rejected', decided_by: 'bob', note: 'too expensive' });
      await expect(svc.admit(ctx, { approvalId: 'apr_nope' })).rejects.toThrow(/unknown approval/);
    });

    it('an approver may change the model and max_tokens; bad changes are refused', async () => {
      const ctx = approvalCtx({ estimatedCostMicros: 900_000 }, 'modify me');
      const a = await svc.request(ctx);
      await expect(svc.decide(a.id, { decision: 'approve', approver, modifications: { model: 'gpt-9' } })).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(svc.decide(a.id, { decision: 'approve', approver, modifications: { tool_calls: [{ id: 'x', arguments: '{}' }] } })).rejects.toBeInstanceOf(InvalidRequestError);
      await svc.decide(a.id, { decision: 'approve', approver, modifications: { model: 'small', max_tokens: 50 } });
      expect(approvedRequestChanges(await svc.admit(ctx, { approvalId: a.id }) as never)).toEqual({ model: 'small', max_tokens: 50 });
    });

    it('a tool-call approval holds the answer; the approver may edit the arguments; it is replayed', async () => {
      const ctx = approvalCtx({ toolCalls: toolResult.choices[0]!.message.tool_calls!, result: toolResult }, 'wire it');
      const m = svc.evaluate(ctx)!;
      const err = await svc.gate(ctx, m).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApprovalRequiredError);
      const id = (err as ApprovalRequiredError).details.approval_id as string;
      expect(await svc.get(id)).toMatchObject({ stage: 'tool_calls', result: toolResult });
      await expect(svc.decide(id, { decision: 'approve', approver, modifications: { tool_calls: [{ id: 'call_1', arguments: '{"amount":' }] } })).rejects.toThrow(/not valid JSON/);
      await svc.decide(id, { decision: 'approve', approver, modifications: { tool_calls: [{ id: 'call_1', arguments: '{"amount":90}' }] } });
      // The agent retries the same request (without the tool calls, which it never saw).
      const redeemed = await svc.admit(approvalCtx({}, 'wire it'), { approvalId: id });
      const replay = approvedResult(redeemed!)!;
      expect(replay.choices[0]!.message.tool_calls![0]!.function.arguments).toBe('{"amount":90}');
      expect(toolResult.choices[0]!.message.tool_calls![0]!.function.arguments).toBe('{"amount":900}');
      const chunks = resultAsChunks(replay);
      expect(chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []))).toEqual([{ index: 0, id: 'call_1', type: 'function', function: { name: 'wire_money', arguments: '{"amount":90}' } }]);
      expect(chunks.at(-1)!.usage).toEqual(toolResult.usage);
    });

    it('expiry auto-rejects on the injected clock', async () => {
      const ctx = approvalCtx({ subject: { ...approvalCtx().subject, agent: 'pay-bot', keyId: 'key_pay' } }, 'expire me');
      const a = await svc.request(ctx);
      expect(a.expiresAt).toBe(t + 60_000);
      t += 59_999;
      expect(await svc.expireDue()).not.toContain(a.id);
      t += 1;
      expect(await svc.expireDue()).toContain(a.id);
      expect(await svc.get(a.id)).toMatchObject({ status: 'expired', decidedBy: 'system:expiry', decidedAt: t });
      await expect(svc.decide(a.id, { decision: 'approve', approver })).rejects.toBeInstanceOf(ConflictError);
      await expect(svc.admit(ctx, { approvalId: a.id })).rejects.toThrow(/expired/);
    });

    it('a late decision on a due approval is refused even before the sweeper ran', async () => {
      const a = await svc.request(approvalCtx({ estimatedCostMicros: 900_000 }, 'late'));
      t += 600_000;
      await expect(svc.decide(a.id, { decision: 'approve', approver })).rejects.toThrow(/already expired/);
    });

    it('waits inline: woken at once by a decision on this node, by polling for another node', async () => {
      const ctx = approvalCtx({ estimatedCostMicros: 900_000 }, 'wait for me');
      // Polling every 10 s here: only the in-process notifier can wake this waiter in time.
      const slowPoll = new ApprovalService({ store, spec: { ...APPROVAL_TEST_SPEC, approvals: { ...APPROVAL_TEST_SPEC.approvals, poll_ms: 10_000 } }, now: clock });
      const a = await slowPoll.request(ctx);
      let t0 = performance.now();
      setTimeout(() => void slowPoll.decide(a.id, { decision: 'approve', approver }), 30);
      const local = await slowPoll.waitFor(a.id, 5_000);
      expect(local.status).toBe('approved');
      expect(performance.now() - t0).toBeLessThan(1_000);

      // Another node (its own service and notifier, same database) decides: seen by polling.
      const other = new ApprovalService({ store, spec: APPROVAL_TEST_SPEC, now: clock });
      const b = await svc.request(approvalCtx({ estimatedCostMicros: 900_000 }, 'other node'));
      t0 = performance.now();
      setTimeout(() => void other.decide(b.id, { decision: 'reject', approver }), 60);
      expect((await svc.waitFor(b.id, 5_000)).status).toBe('rejected');
      expect(performance.now() - t0).toBeLessThan(1_000);

      // Nobody decides: the wait ends at its deadline, still pending.
      const c = await svc.request(approvalCtx({ estimatedCostMicros: 900_000 }, 'nobody'));
      t0 = performance.now();
      expect((await svc.waitFor(c.id, 120)).status).toBe('pending');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    });

    it('admit with a wait returns the redeemed approval when approved in time', async () => {
      const ctx = approvalCtx({ estimatedCostMicros: 900_000 }, 'admit and wait');
      setTimeout(() => void svc.list({ status: 'pending' }).then((l) => {
        const mine = l.find((x) => x.request.messages[0]!.content === 'admit and wait')!;
        return svc.decide(mine.id, { decision: 'approve', approver, modifications: { max_tokens: 10 } });
      }), 50);
      const a = await svc.admit(ctx, { waitMs: 5_000 });
      expect(a).toMatchObject({ status: 'approved', consumedAt: t, modifications: { max_tokens: 10 } });
    });

    it('the sweeper expires approvals and wakes their waiters', async () => {
      const sweeping = new ApprovalService({ store, spec: { ...APPROVAL_TEST_SPEC, approvals: { ...APPROVAL_TEST_SPEC.approvals, sweep_ms: 20 } }, now: clock }).start();
      try {
        const a = await sweeping.request(approvalCtx({ estimatedCostMicros: 900_000 }, 'sweep me'));
        const waiting = sweeping.waitFor(a.id, 5_000);
        t += 600_000;
        const t0 = performance.now();
        expect((await waiting).status).toBe('expired');
        expect(performance.now() - t0).toBeLessThan(1_000);
      } finally {
        sweeping.stop();
      }
    });
  });
}
