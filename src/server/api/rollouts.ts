/**
 * `/api/rollouts`: canary rollouts of model versions — list, start (with an optional eval gate
 * verdict), one rollout with its analysis, canary-vs-stable series and events, promote, roll back,
 * roll a group back to a kept version, run the analysis now, and the history.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { InvalidRequestError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { armSeries } from '../../governance/analysis.js';
import type { Governance } from '../../governance/governance.js';
import type { RolloutStatus } from '../../governance/types.js';
import { analysisView, eventView, rolloutView, seriesView, timelineView } from '../../governance/views.js';
import { parseDuration } from '../../telemetry/analytics/duration.js';
import { parseJson } from './parse.js';

const Percent = z.union([z.number(), z.string()]).transform((v, ctx): number => {
  const n = typeof v === 'number' ? v : Number(v.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n <= 0 || n > 100) {
    ctx.addIssue({ code: 'custom', message: `expected a share in (0, 100] percent, e.g. 5% (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return n;
});

const Duration = z.union([z.number().int().positive(), z.string()]).transform((v, ctx): number => {
  const ms = typeof v === 'number' ? v : parseDuration(v);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30m, 24h or 7d (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return ms;
});

const GateSchema = z
  .object({ suite: z.string(), passed: z.boolean(), reasons: z.array(z.string()).default([]), baseline_run: z.string().optional(), candidate_run: z.string().optional() })
  .strict();

/** Body of `POST /api/rollouts`. */
export const StartRolloutBody = z
  .object({
    group: z.string().min(1),
    to: z.string().min(1),
    from: z.string().min(1).optional(),
    canary: Percent,
    for: Duration,
    by: z.enum(['agents', 'traffic']).default('agents'),
    promote_if: z.string().nullable().optional(),
    rollback_if: z.string().nullable().optional(),
    gate_suite: z.string().nullable().optional(),
    gate: GateSchema.optional(),
  })
  .strict();

const ReasonBody = z.object({ reason: z.string().max(500).optional() }).strict();
const GroupRollbackBody = z.object({ group: z.string().min(1), to: z.string().optional(), reason: z.string().max(500).optional() }).strict();
const STATUSES = ['running', 'promoted', 'rolled_back', 'all'] as const;

/** Builds the rollouts API over a node's governance (resolved when first needed). */
export function rolloutsApi(governance: () => Promise<Governance>) {
  const app = new Hono<{ Variables: DacaVariables }>();
  const actor = (c: { get(k: 'principal'): DacaVariables['principal'] }): string => `key:${c.get('principal').keyId}`;

  app.get('/', async (c) => {
    const gov = await governance();
    const status = c.req.query('status') ?? 'all';
    if (!(STATUSES as readonly string[]).includes(status)) throw new InvalidRequestError(`status must be one of ${STATUSES.join(', ')}`, { param: 'status' });
    const group = c.req.query('group');
    const list = await gov.rollouts.list({ ...(status !== 'all' ? { status: status as RolloutStatus } : {}), ...(group ? { group } : {}) });
    return c.json({ data: list.map(rolloutView) });
  });

  app.get('/history', async (c) => {
    const gov = await governance();
    const group = c.req.query('group');
    return c.json({ data: (await gov.rollouts.history(group || undefined)).map(timelineView) });
  });

  app.get('/kept', async (c) => {
    const gov = await governance();
    const group = c.req.query('group');
    if (!group) throw new InvalidRequestError('give ?group=', { param: 'group' });
    return c.json({ group, kept: await gov.rollouts.keptVersions(group) });
  });

  app.post('/', async (c) => {
    const gov = await governance();
    const b = await parseJson(c, StartRolloutBody, 'rollout');
    const r = await gov.rollouts.start(
      {
        group: b.group, to: b.to, canaryPct: b.canary, durationMs: b.for, by: b.by,
        ...(b.from ? { from: b.from } : {}),
        ...(b.promote_if !== undefined ? { promoteIf: b.promote_if } : {}),
        ...(b.rollback_if !== undefined ? { rollbackIf: b.rollback_if } : {}),
        ...(b.gate_suite !== undefined ? { gateSuite: b.gate_suite } : {}),
        ...(b.gate ? { gate: { suite: b.gate.suite, passed: b.gate.passed, reasons: b.gate.reasons, ...(b.gate.baseline_run ? { baselineRun: b.gate.baseline_run } : {}), ...(b.gate.candidate_run ? { candidateRun: b.gate.candidate_run } : {}) } } : {}),
      },
      actor(c),
    );
    return c.json(rolloutView(r), 201);
  });

  app.post('/rollback', async (c) => {
    const gov = await governance();
    const b = await parseJson(c, GroupRollbackBody, 'rollback');
    const out = await gov.rollouts.rollbackGroup(b.group, actor(c), { ...(b.to ? { to: b.to } : {}), ...(b.reason ? { reason: b.reason } : {}) });
    return c.json({ rollout: out.rollout ? rolloutView(out.rollout) : null, stable: out.change?.version ?? out.rollout?.fromVersion ?? null, previous: out.change?.previous ?? out.rollout?.toVersion ?? null });
  });

  app.post('/analyze', async (c) => {
    const gov = await governance();
    return c.json({ data: await gov.tick() });
  });

  app.get('/:id', async (c) => {
    const gov = await governance();
    const r = await gov.rollouts.get(c.req.param('id'));
    const [samples, events] = await Promise.all([gov.samples(r.id), gov.events(r.id)]);
    const to = r.decidedAt ?? Math.max(gov.now(), r.startedAt + 60_000);
    return c.json({ ...rolloutView(r), series: armSeries(samples, 30, { from: r.startedAt, to }).map(seriesView), events: events.map(eventView) });
  });

  app.post('/:id/analyze', async (c) => {
    const gov = await governance();
    return c.json(analysisView(await gov.rollouts.analyse(c.req.param('id'))));
  });

  app.post('/:id/promote', async (c) => {
    const gov = await governance();
    const b = await parseJson(c, ReasonBody, 'promotion');
    return c.json(rolloutView(await gov.rollouts.promote(c.req.param('id'), actor(c), b.reason ?? 'promoted by an operator')));
  });

  app.post('/:id/rollback', async (c) => {
    const gov = await governance();
    const b = await parseJson(c, ReasonBody, 'rollback');
    return c.json(rolloutView(await gov.rollouts.rollback(c.req.param('id'), actor(c), b.reason ?? 'rolled back by an operator')));
  });
  return app;
}
