/**
 * `/api/approvals`: list pending (and past) approvals, approve, reject or approve with changes.
 * Every decision names its approver: the `as` field, else the id of the key that made it.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ApprovalService } from '../../guardrails/approvals/approval-service.js';
import type { Approval, ApprovalModifications, ApprovalStatus } from '../../guardrails/approvals/approval-types.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { InvalidRequestError } from '../../errors.js';
import { parseJson } from './parse.js';
import { assertVisible, tenantFilter } from '../access/scope.js';
import { noteAudit } from '../access/audit-facts.js';

const ModificationsSchema = z
  .object({
    model: z.string().min(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    tool_calls: z
      .array(z.object({ id: z.string().min(1), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]) }).strict())
      .min(1)
      .optional(),
  })
  .strict();

/** Body of `POST /api/approvals/:id/{approve,reject,modify}`. */
export const DecisionSchema = z
  .object({
    as: z.string().min(1).max(128).optional().describe('the approver name recorded with the decision'),
    note: z.string().max(2000).optional(),
    modifications: ModificationsSchema.optional(),
  })
  .strict();

const STATUSES = new Set<ApprovalStatus>(['pending', 'approved', 'rejected', 'expired']);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The public view of an approval. */
export function approvalView(a: Approval): Record<string, unknown> {
  return {
    id: a.id,
    status: a.status,
    stage: a.stage,
    rule: a.ruleId,
    reason: a.reason,
    tenant: a.subject.tenant,
    team: a.subject.team,
    agent: a.subject.agent,
    session: a.subject.session,
    key_id: a.subject.keyId,
    model: a.model,
    max_tokens: a.request.max_tokens ?? null,
    estimated_cost_usd: a.estimatedCostMicros === null ? null : a.estimatedCostMicros / 1_000_000,
    messages: a.request.messages,
    tools: a.request.tools?.map((t) => t.function.name) ?? [],
    tool_calls: a.result?.choices.flatMap((c) => c.message.tool_calls ?? []) ?? [],
    created_at: iso(a.createdAt),
    expires_at: iso(a.expiresAt),
    decided_at: iso(a.decidedAt),
    decided_by: a.decidedBy,
    note: a.note,
    modifications: a.modifications,
    used_at: iso(a.consumedAt),
  };
}

function toModifications(m: z.infer<typeof ModificationsSchema> | undefined): ApprovalModifications | undefined {
  if (!m) return undefined;
  const out: ApprovalModifications = {};
  if (m.model !== undefined) out.model = m.model;
  if (m.max_tokens !== undefined) out.max_tokens = m.max_tokens;
  if (m.tool_calls) out.tool_calls = m.tool_calls.map((t) => ({ id: t.id, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) }));
  return out;
}

/** Builds the approvals API. */
export function approvalsApi(approvals: ApprovalService) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const q = c.req.query();
    if (q.status && !STATUSES.has(q.status as ApprovalStatus)) throw new InvalidRequestError(`status must be one of ${[...STATUSES].join(', ')}`, { param: 'status' });
    const limit = q.limit ? Number(q.limit) : undefined;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new InvalidRequestError('limit must be a positive integer', { param: 'limit' });
    const tenant = tenantFilter(c, q.tenant);
    const rows = await approvals.list({
      ...(q.status ? { status: q.status as ApprovalStatus } : {}),
      ...(q.agent ? { agent: q.agent } : {}),
      ...(tenant !== undefined ? { tenant } : {}),
      ...(limit ? { limit } : {}),
    });
    return c.json({ data: rows.map(approvalView) });
  });
  /** An approval of the caller's tenant; another tenant's is "not found" (404), as is a missing one. */
  const visible = async (c: Context<{ Variables: DacaVariables }>, id: string): Promise<Approval> => {
    const a = await approvals.get(id);
    assertVisible(c, a.subject.tenant, () => `no approval with id '${id}'; list them with \`daca approvals list\``);
    return a;
  };
  app.get('/:id', async (c) => c.json(approvalView(await visible(c, c.req.param('id')))));

  const decide = (decision: 'approve' | 'reject', needsModifications = false) =>
    async (c: Context<{ Variables: DacaVariables }>) => {
      const body = await parseJson(c, DecisionSchema, 'decision');
      if (needsModifications && !body.modifications) throw new InvalidRequestError('modify needs a `modifications` object', { param: 'modifications' });
      const keyId = c.get('principal').keyId;
      await visible(c, c.req.param('id') ?? '');
      const a = await approvals.decide(c.req.param('id') ?? '', {
        decision,
        approver: { name: body.as ?? keyId, keyId },
        note: body.note,
        modifications: toModifications(body.modifications),
      });
      noteAudit(c, {
        kind: 'approval_decision', tenant: a.subject.tenant,
        detail: { action: `approval_${a.status}`, approval_id: a.id, rule: a.ruleId, agent: a.subject.agent, approver: a.decidedBy ?? keyId, modified: !!body.modifications },
      });
      return c.json(approvalView(a));
    };
  app.post('/:id/approve', decide('approve'));
  app.post('/:id/modify', decide('approve', true));
  app.post('/:id/reject', decide('reject'));
  return app;
}
