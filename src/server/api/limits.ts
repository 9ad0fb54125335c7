/**
 * `/api/limits`: the spec's rate limits and what a subject used this minute.
 */
import { Hono } from 'hono';
import { InvalidRequestError } from '../../errors.js';
import { LIMIT_SCOPES } from '../../guardrails/limits/limit-spec.js';
import type { RateLimits } from '../../guardrails/limits/rate-limits.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { assertOwns, ruleVisible } from '../access/scope.js';

/** Builds the limits API over the node's rate-limit engine. */
export function limitsApi(limits: RateLimits) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/', async (c) => {
    const rules = limits.plans.rules;
    const visible = await Promise.all(rules.map((r) => ruleVisible(c, r)));
    return c.json({ data: rules.filter((_, i) => visible[i]) });
  });
  app.get('/:scope/:subject', async (c) => {
    const scope = c.req.param('scope');
    if (!(LIMIT_SCOPES as readonly string[]).includes(scope)) throw new InvalidRequestError(`unknown scope '${scope}': use ${LIMIT_SCOPES.join(', ')}`, { param: 'scope' });
    const subject = c.req.param('subject');
    await assertOwns(c, scope as 'key' | 'agent' | 'team' | 'tenant', subject);
    return c.json({ scope, subject, used_this_minute: await limits.usage(scope, subject) });
  });
  return app;
}
