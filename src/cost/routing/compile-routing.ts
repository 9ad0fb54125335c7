/**
 * Compiles the agents' `routing:` sections into policies and cascades, once per loaded spec.
 */
import { isAbsolute, resolve } from 'node:path';
import { InvalidRequestError } from '../../errors.js';
import type { Spec } from '../../spec/schema.js';
import type { RoutingSpec } from '../cost-spec.js';
import { Cascade } from './cascade.js';
import { loadLearnedPolicy, type LearnedPolicy } from './learned-policy.js';
import { CascadePolicy, FixedPolicy, RouterPolicy } from './policies.js';
import type { RoutingPolicy } from './routing-types.js';
import { compileVerifier } from './verifiers.js';

/** An agent's compiled routing. */
export interface AgentRouting {
  policy: RoutingPolicy;
  cascade: Cascade;
}

/**
 * Compiles one agent's routing. `learned` overrides the policy file named in the spec.
 *
 * @throws {InvalidRequestError} naming the agent and field for unknown models or bad verifiers.
 */
export function compileRouting(agent: string, r: RoutingSpec, spec: Pick<Spec, 'models' | 'aliases'>, opts: { baseDir?: string; learned?: LearnedPolicy | null } = {}): AgentRouting {
  const known = (m: string): boolean => !!spec.models[m] || !!spec.aliases[m];
  const check = (m: string, field: string): void => {
    if (!known(m)) throw new InvalidRequestError(`agents.${agent}.routing.${field}: '${m}' is not a declared model or alias`);
  };
  r.models.forEach((m, i) => check(m, `models.${i}`));
  r.rules.forEach((rule, i) => check(rule.model, `rules.${i}.model`));
  if (r.default) check(r.default, 'default');
  const cascade = new Cascade(r.verifiers.map(compileVerifier), { escalateOnError: r.escalate_on_error });
  let policy: RoutingPolicy;
  switch (r.policy) {
    case 'fixed':
      policy = new FixedPolicy(r.models[0]!);
      break;
    case 'cascade':
      policy = new CascadePolicy(r.models);
      break;
    case 'router': {
      let learned = opts.learned ?? null;
      if (!learned && r.learned) learned = loadLearnedPolicy(isAbsolute(r.learned) ? r.learned : resolve(opts.baseDir ?? process.cwd(), r.learned));
      if (learned) for (const [k, route] of Object.entries(learned.routes)) if (!known(route.model)) throw new InvalidRequestError(`agents.${agent}.routing.learned: route ${k} names '${route.model}', not a declared model`);
      policy = new RouterPolicy({ models: r.models, rules: r.rules, learned, fallback: r.default ?? r.models[r.models.length - 1]! });
      break;
    }
  }
  return { policy, cascade };
}

/** Compiles every agent that declares `routing:`. */
export function compileAgentRoutings(spec: Spec, opts: { baseDir?: string } = {}): Map<string, AgentRouting> {
  const out = new Map<string, AgentRouting>();
  for (const [id, a] of Object.entries(spec.agents)) if (a.routing) out.set(id, compileRouting(id, a.routing, spec, opts));
  return out;
}
