/**
 * `daca agents`: every agent with its calls, tokens per call, cost per day, p95 latency, error
 * rate and anomaly flag, from a running daca's `/api/agents`.
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';

interface AgentsFlags extends ConnectionFlags {
  from: string;
  group: string;
  json?: boolean;
}

interface AgentRow {
  agent: string;
  team: string;
  requests: number;
  tokens_per_call: number;
  cost_per_day_usd: number;
  latency_p95_ms: number | null;
  error_rate: number;
  anomalies: { metric: string }[];
}

/** One table row for an agent (numbers rounded for people). */
export function agentTableRow(a: AgentRow): Record<string, unknown> {
  return {
    agent: a.agent,
    team: a.team,
    requests: a.requests,
    'tokens/call': Math.round(a.tokens_per_call * 10) / 10,
    'cost/day $': Math.round(a.cost_per_day_usd * 10_000) / 10_000,
    'p95 ms': a.latency_p95_ms === null ? null : Math.round(a.latency_p95_ms),
    'error %': Math.round(a.error_rate * 1000) / 10,
    anomaly: a.anomalies.length ? `! ${a.anomalies.map((x) => x.metric).join(',')}` : '',
  };
}

/** Registers `daca agents`. */
export function registerAgents(program: Command): void {
  withConnection(
    program
      .command('agents')
      .description('agents with requests, tokens/call, cost/day, p95 latency, error rate and anomaly flags')
      .option('--from <time>', 'window start: ISO date, ms, or relative (-24h, -7d)', '-24h')
      .option('--group <by>', 'peer groups: role or team', 'role')
      .option('--json', 'print JSON (the /api/agents answer)'),
  ).action(async (f: AgentsFlags) => {
    const q = new URLSearchParams({ from: f.from, group: f.group });
    const r = await adminFetch<{ data: AgentRow[] }>(adminTarget(f), `/api/agents?${q}`);
    output(!!f.json, r, r.data.map(agentTableRow));
  });
}
