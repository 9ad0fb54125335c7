/**
 * `daca mesh`: the agent mesh of a running daca.
 *
 * - `daca mesh ls [--skill S] [--tag T]` — agents and their instances (endpoint, health, load)
 * - `daca mesh route "<need in words>"` — where the mesh would route it, with score and reason
 * - `daca mesh decisions` — the latest routing decisions
 * - `daca mesh edges` — per-edge calls, p50/p99, errors and SLO status
 * - `daca mesh add <name> <url>` — register an external A2A agent by URL (kept across restarts)
 * - `daca mesh rm <name> [url]` — remove an agent registered by URL (only its registration at `url`)
 */
import type { Command } from 'commander';
import { adminFetch, adminTarget, type ConnectionFlags } from './admin-client.js';
import { withConnection } from './connection.js';
import { output } from './format.js';
import { InvalidRequestError } from '../errors.js';

interface Flags extends ConnectionFlags {
  json?: boolean;
  skill?: string;
  tag?: string;
  limit?: string;
}

interface AgentView {
  agent: string;
  tenant: string;
  skills: { id: string }[];
  instances: { instanceId: string; endpoint: string; kind: string; zone: string; health: string; breaker: string; inFlight: number; ewmaMs: number }[];
}

interface Decision {
  at: number;
  caller: string;
  text: string;
  routedTo: string | null;
  score: number;
  reason: string;
  decisionUs: number;
}

/** Table rows for `daca mesh ls`: one per instance. */
export function meshLsRows(agents: readonly AgentView[]): Record<string, unknown>[] {
  return agents.flatMap((a) =>
    a.instances.map((i) => ({
      agent: a.agent, tenant: a.tenant, skills: a.skills.map((s) => s.id).join(','), kind: i.kind, endpoint: i.endpoint, zone: i.zone, health: i.health,
      breaker: i.breaker, 'in flight': i.inFlight, 'ewma ms': Math.round(i.ewmaMs * 100) / 100,
    })),
  );
}

/** Registers `daca mesh …`. */
export function registerMesh(program: Command): void {
  const mesh = program.command('mesh').description('the agent mesh: agents and instances, routing decisions, edges');
  withConnection(
    mesh
      .command('ls')
      .description('agents and their instances (registry: NATS KV with DACA_NATS_URL, else the store)')
      .option('--skill <skill>', 'only agents offering this skill')
      .option('--tag <tag>', 'only agents with this tag')
      .option('--json', 'print JSON (the /api/mesh/agents answer)'),
  ).action(async (f: Flags) => {
    const q = new URLSearchParams();
    if (f.skill) q.set('skill', f.skill);
    if (f.tag) q.set('tag', f.tag);
    const r = await adminFetch<{ agents: AgentView[] }>(adminTarget(f), `/api/mesh/agents?${q}`);
    output(!!f.json, r, meshLsRows(r.agents));
  });
  withConnection(
    mesh
      .command('route <text...>')
      .description('where the mesh routes a request stated in words (recorded as a decision)')
      .option('--tag <tag>', 'only skills with this tag compete')
      .option('--json', 'print JSON'),
  ).action(async (words: string[], f: Flags) => {
    const d = await adminFetch<Decision & { candidates: { agent: string; skill: string; score: number }[] }>(adminTarget(f), '/api/mesh/route', {
      method: 'POST', body: { text: words.join(' '), ...(f.tag ? { tags: [f.tag] } : {}) },
    });
    output(!!f.json, d, [{ 'routed to': d.routedTo ?? '(none)', score: d.score, reason: d.reason, candidates: d.candidates.map((c) => `${c.agent}/${c.skill} ${c.score}`).join('; ') }]);
  });
  withConnection(mesh.command('decisions').description('the latest routing decisions').option('--limit <n>', 'how many', '20').option('--json', 'print JSON')).action(async (f: Flags) => {
    const r = await adminFetch<{ decisions: Decision[] }>(adminTarget(f), `/api/mesh/decisions?limit=${Number(f.limit ?? 20)}`);
    output(!!f.json, r, r.decisions.map((d) => ({ at: new Date(d.at).toISOString(), caller: d.caller, text: d.text.slice(0, 60), 'routed to': d.routedTo ?? '(none)', score: d.score, µs: d.decisionUs })));
  });
  withConnection(mesh.command('edges').description('calls between agents: rate, p50/p99, errors, SLO status').option('--json', 'print JSON')).action(async (f: Flags) => {
    const r = await adminFetch<{ edges: { caller: string; callee: string; calls: number; p50Ms: number; p99Ms: number; errorRate: number; slo: { status: string } }[] }>(adminTarget(f), '/api/mesh/edges');
    output(!!f.json, r, r.edges.map((e) => ({ caller: e.caller, callee: e.callee, 'calls/min': e.calls, 'p50 ms': e.p50Ms, 'p99 ms': e.p99Ms, 'error %': Math.round(e.errorRate * 1000) / 10, slo: e.slo.status })));
  });
  withConnection(
    mesh
      .command('add <name> <url>')
      .description('register an external A2A agent by URL (its card is fetched and validated; the registration is stored and survives restarts; the same name and URL again replaces it)')
      .option('--tenant <tenant>', 'the tenant the agent belongs to (default: default)')
      .option(
        '--header-env <header=ENV_VAR>',
        'a header daca sends on every call to the agent, its value read from an environment variable (so no secret is on the command line), e.g. authorization=PARTNER_AUTH; repeatable',
        (v: string, all: string[] = []) => [...all, v],
      )
      .option('--json', 'print JSON'),
  ).action(async (name: string, url: string, f: Flags & { tenant?: string; headerEnv?: string[] }) => {
    const headers: Record<string, string> = {};
    for (const pair of f.headerEnv ?? []) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new InvalidRequestError(`--header-env '${pair}': expected header=ENV_VAR, e.g. authorization=PARTNER_AUTH`);
      const env = pair.slice(eq + 1);
      const value = process.env[env];
      if (value === undefined || value === '') throw new InvalidRequestError(`--header-env '${pair}': the environment variable ${env} is not set`);
      headers[pair.slice(0, eq)] = value;
    }
    const body = { name, url, ...(f.tenant ? { tenant: f.tenant } : {}), ...(Object.keys(headers).length ? { headers } : {}) };
    const r = await adminFetch<{ registered: AgentView | null }>(adminTarget(f), '/api/mesh/agents', { method: 'POST', body });
    output(!!f.json, r, r.registered ? meshLsRows([r.registered]) : []);
  });
  withConnection(
    mesh
      .command('rm <name> [url]')
      .description(
        'remove an agent registered by URL (`daca mesh add`, POST /api/mesh/agents): its stored registrations go and its instances leave the mesh at once; ' +
          'with [url] (as given when it was registered), only that one (--url stays the address of daca)',
      )
      .option('--json', 'print JSON'),
  ).action(async (name: string, url: string | undefined, f: Flags) => {
    const q = url ? `?url=${encodeURIComponent(url)}` : '';
    const r = await adminFetch<{ removed: { name: string; url: string; tenant: string }[] }>(adminTarget(f), `/api/mesh/agents/${encodeURIComponent(name)}${q}`, { method: 'DELETE' });
    output(!!f.json, r, r.removed.map((x) => ({ removed: x.name, url: x.url, tenant: x.tenant })));
  });
}
