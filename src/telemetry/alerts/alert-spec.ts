/**
 * The `alerts:` section of daca.yaml: rules, webhooks and how often rules are evaluated.
 *
 * ```yaml
 * alerts:
 *   interval: 30s
 *   webhooks:
 *     ops:
 *       url: https://hooks.example.com/daca
 *       secret: ${DACA_WEBHOOK_SECRET}     # signs each body: x-daca-signature: sha256=<hex HMAC>
 *   rules:
 *     - { name: big-spender, expr: "agent.cost_usd_per_day > 100", severity: warning }
 *     - { name: slow-team, expr: "team.ttft_p95 > 2s over 10m", for: 5m }
 *     - { name: errors, expr: "agent.error_rate > 5%", notify: [ops] }
 *     - { name: odd-agent, expr: anomaly }
 *     - { name: budget-80, expr: "budget >= 80%" }
 * ```
 *
 * Expressions are parsed here, so a bad one is a located spec error (file, line, field).
 */
import { z } from 'zod';
import { DurationSchema } from '../analytics/duration.js';
import { AlertExprError, parseAlertExpr } from './alert-expr.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** An alert rule expression (validated by {@link parseAlertExpr}). */
export const AlertExprSchema = z.string().superRefine((s, ctx) => {
  try {
    parseAlertExpr(s);
  } catch (e) {
    if (!(e instanceof AlertExprError)) throw e;
    ctx.addIssue({ code: 'custom', message: `bad alert expression '${s}' ${e.message}` });
  }
});

/** One alert rule. */
export const AlertRuleSchema = z
  .object({
    name: z.string().regex(NAME, 'expected a rule name: letters, digits, ".", "_", ":" or "-"'),
    expr: AlertExprSchema.describe('e.g. "agent.error_rate > 5%", "team.ttft_p95 > 2s over 10m", "anomaly", "budget >= 80%"'),
    for: DurationSchema.optional().describe('the condition must hold this long before the alert fires'),
    severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    notify: z.array(z.string()).optional().describe('webhook names (default: every webhook)'),
    message: z.string().optional().describe('custom text; {subject}, {value} and {threshold} are replaced'),
  })
  .strict();

/** A webhook that receives alert events as signed JSON POSTs. */
export const WebhookSchema = z
  .object({
    url: z.url('expected an http(s) URL'),
    secret: z.string().min(8, 'a webhook secret needs at least 8 characters').optional().describe('HMAC-SHA256 key for x-daca-signature; use ${ENV_VAR}'),
    headers: z.record(z.string(), z.string()).default({}),
    max_attempts: z.number().int().min(1).max(20).default(6),
    timeout: DurationSchema.default(5_000),
  })
  .strict();

/** The `alerts:` section. */
export const AlertsSchema = z
  .object({
    interval: DurationSchema.default(30_000).describe('how often rules are evaluated'),
    webhooks: z.record(z.string().regex(NAME), WebhookSchema).default({}),
    rules: z.array(AlertRuleSchema).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.rules.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `duplicate rule name '${r.name}'` });
      seen.add(r.name);
      r.notify?.forEach((w, j) => {
        if (!a.webhooks[w]) ctx.addIssue({ code: 'custom', path: ['rules', i, 'notify', j], message: `unknown webhook '${w}'; declared webhooks: ${Object.keys(a.webhooks).join(', ') || '(none)'}` });
      });
    });
  });

/** One parsed alert rule. */
export type AlertRuleSpec = z.infer<typeof AlertRuleSchema>;
/** One parsed webhook. */
export type WebhookSpec = z.infer<typeof WebhookSchema>;
/** The parsed `alerts:` section. */
export type AlertsSpec = z.infer<typeof AlertsSchema>;
