/**
 * The spec of the access-control tests: two tenants (acme, globex), a team and an agent in each,
 * and one agent key per tenant, plus whatever a test adds after it.
 */

/** One tenant's agent and its key. */
export interface TenantAgent {
  agent: string;
  key: string;
}

/**
 * The two-tenant spec text: `acme` holds `a.agent` (team `a-team`, key `a.key`), `globex` holds
 * `b.agent` (team `b-team`, key `b.key`); `extra` is appended as more top-level YAML.
 *
 * @example
 * ```ts
 * const spec = twoTenantSpec({ agent: 'a-bot', key: KA }, { agent: 'b-bot', key: KB });
 * ```
 */
export function twoTenantSpec(a: TenantAgent, b: TenantAgent, extra = ''): string {
  return `
providers:
  sim: { kind: sim }
models:
  small: { provider: sim, upstream: sim-small, price: { input: 1, output: 2 } }
tenants:
  acme: {}
  globex: {}
teams:
  a-team: { tenant: acme }
  b-team: { tenant: globex }
agents:
  ${a.agent}: { team: a-team }
  ${b.agent}: { team: b-team }
keys:
  ka: { value: "${a.key}", agent: ${a.agent} }
  kb: { value: "${b.key}", agent: ${b.agent} }
${extra}`;
}
