/**
 * `/api/mesh`: discovery and observability of the agent mesh.
 *
 * - `GET /agents?skill=&tag=&agent=` — live instances (this node's agents and every registered one)
 * - `POST /agents` `{name, url, card_path?, tenant?, headers?}` — register an external A2A agent by URL
 *   (stored: it survives restarts, and every node sharing the store keeps it; the same name and URL
 *   again replaces it); `headers` (e.g. its bearer credential) go on every hop to it and on its card
 *   fetches, are stored sealed, and are listed by name only
 * - `DELETE /agents/:name?url=` — remove an agent registered through the API (only its instance at
 *   `url` when given), deregistered at once
 * - `POST /route` `{text, tags?, caller?, tenant?}` — where the mesh would route a request (recorded)
 * - `GET /decisions?limit=&routed=` and `/decisions/:id` — routing decisions with score and reason
 * - `GET /edges` — per-edge rate, p50/p99, errors and SLO status, plus the topology's nodes
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import type { Mesh } from '../../mesh/mesh.js';
import { HopHeadersSchema } from '../../mesh/mesh-spec.js';
import { addExternalAgent, externalStatusOf, meshOf, removeExternalAgent, type MeshNode } from '../../mesh/node-mesh.js';
import type { Principal } from '../../identity/principal.js';
import type { AgentInstance } from '../../mesh/registry/types.js';
import { parseJson } from './parse.js';
import { assertVisible, scopeOf, tenantFilter } from '../access/scope.js';
import { noteAudit } from '../access/audit-facts.js';

/** One agent in discovery answers: its instances grouped. */
export interface MeshAgentView {
  agent: string;
  tenant: string;
  description: string;
  skills: AgentInstance['skills'];
  tags: string[];
  instances: (Pick<AgentInstance, 'instanceId' | 'endpoint' | 'node' | 'kind' | 'zone' | 'version' | 'health' | 'load' | 'heartbeatAt' | 'expiresAt'> & {
    breaker: string;
    inFlight: number;
    ewmaMs: number;
    /** Headers its registration sends on every hop, values redacted. */
    headers?: Record<string, string>;
  })[];
}

const RouteBody = z.object({ text: z.string().min(1), tags: z.array(z.string()).optional(), caller: z.string().optional(), tenant: z.string().optional() }).strict();
const ExternalBody = z
  .object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/), url: z.url(), card_path: z.string().optional(), tenant: z.string().optional(), headers: HopHeadersSchema.optional() })
  .strict();

/** What listings show instead of a registration header's value. */
const REDACTED = '[redacted]';

/** Lists agents and their instances, local ones included even before their first heartbeat. */
export function meshAgents(m: Mesh, q: { skill?: string | undefined; tag?: string | undefined; agent?: string | undefined; tenant?: string | undefined }): MeshAgentView[] {
  const now = Date.now();
  const byAgent = new Map<string, MeshAgentView>();
  const view = (i: Pick<AgentInstance, 'agent' | 'tenant' | 'description' | 'skills' | 'tags'>): MeshAgentView => {
    let v = byAgent.get(i.agent);
    if (!v) {
      v = { agent: i.agent, tenant: i.tenant, description: i.description, skills: i.skills, tags: i.tags, instances: [] };
      byAgent.set(i.agent, v);
    }
    return v;
  };
  const filterOk = (a: { agent: string; tenant: string; skills: AgentInstance['skills']; tags: string[] }): boolean =>
    (q.agent === undefined || a.agent === q.agent) &&
    (q.tenant === undefined || a.tenant === q.tenant) &&
    (q.tag === undefined || a.tags.includes(q.tag) || a.skills.some((s) => s.tags?.includes(q.tag!))) &&
    (q.skill === undefined || a.skills.some((s) => s.id.toLowerCase() === q.skill!.toLowerCase() || s.name.toLowerCase() === q.skill!.toLowerCase()));
  for (const i of m.registry.list()) {
    if (!filterOk(i)) continue;
    const s = m.balancer.state(i.instanceId);
    view(i).instances.push({
      instanceId: i.instanceId, endpoint: i.endpoint, node: i.node, kind: i.kind, zone: i.zone, version: i.version, health: s.breaker(now) === 'open' ? 'unhealthy' : i.health,
      load: i.load, heartbeatAt: i.heartbeatAt, expiresAt: i.expiresAt, breaker: s.breaker(now), inFlight: s.inFlight, ewmaMs: Math.round(s.ewmaMs * 1000) / 1000,
      ...(i.headers ? { headers: Object.fromEntries(i.headers.names.map((n) => [n, REDACTED])) } : {}),
    });
  }
  for (const a of m.host?.list() ?? []) {
    const entry = { agent: a.name, tenant: m.tenantOf(a.name), description: a.description, skills: a.skills, tags: [] as string[] };
    if (!filterOk(entry) || byAgent.get(a.name)?.instances.some((i) => i.node === m.nodeId)) continue;
    const s = m.balancer.state(`${m.nodeId}/${a.name}`);
    view(entry).instances.push({
      instanceId: `${m.nodeId}/${a.name}`, endpoint: `/a2a/${a.name}/`, node: m.nodeId, kind: 'native', zone: m.spec.registry.zone, version: a.version, health: 'healthy',
      load: s.inFlight, heartbeatAt: now, expiresAt: now + m.spec.registry.ttl_ms, breaker: 'closed', inFlight: s.inFlight, ewmaMs: s.ewmaMs,
    });
  }
  return [...byAgent.values()].sort((x, y) => (x.agent < y.agent ? -1 : 1));
}

/**
 * Builds the mesh API.
 * @example
 * ```ts
 * api.route('/mesh', meshApi(services));
 * ```
 */
export function meshApi(node: MeshNode) {
  const app = new Hono<{ Variables: DacaVariables }>();
  app.get('/agents', async (c) => {
    const m = await meshOf(node);
    const q = c.req.query();
    return c.json({ agents: meshAgents(m, { skill: q.skill, tag: q.tag, agent: q.agent, tenant: tenantFilter(c, q.tenant) }), registry: m.registry.kind, node: m.nodeId, external: externalStatusOf(node) });
  });
  app.post('/agents', async (c) => {
    const b = await parseJson(c, ExternalBody, 'external agent');
    const tenant = tenantFilter(c, b.tenant);
    if (tenant !== undefined) b.tenant = tenant;
    noteAudit(c, { ...(b.tenant ? { tenant: b.tenant } : {}), detail: { action: 'mesh_agent_registered', agent: b.name, url: b.url, ...(b.headers ? { headers: Object.keys(b.headers) } : {}) } });
    const by = (c.get('principal') as Principal | undefined)?.keyId;
    const ext = { url: b.url, ...(b.card_path ? { card_path: b.card_path } : {}), ...(b.tenant ? { tenant: b.tenant } : {}), ...(b.headers ? { headers: b.headers } : {}) };
    await addExternalAgent(node, b.name, ext, by ? `key:${by}` : null);
    const m = await meshOf(node);
    return c.json({ registered: meshAgents(m, { agent: b.name })[0] ?? null }, 201);
  });
  app.delete('/agents/:name', async (c) => {
    const name = c.req.param('name');
    const url = c.req.query('url');
    const scope = scopeOf(c).tenant;
    const removed = await removeExternalAgent(node, name, { ...(url ? { url } : {}), ...(scope !== null ? { tenant: scope } : {}) });
    if (removed.length === 0)
      throw new NotFoundError(`no agent '${name}' registered through the API${url ? ` at ${url}` : ''} (agents declared in the spec go with a spec change)`);
    const tenants = new Set(removed.map((r) => r.tenant));
    noteAudit(c, { tenant: tenants.size === 1 ? [...tenants][0]! : '*', detail: { action: 'mesh_agent_removed', agent: name, urls: removed.map((r) => r.url) } });
    return c.json({ removed: removed.map((r) => ({ name: r.name, url: r.url, tenant: r.tenant })) });
  });
  app.post('/route', async (c) => {
    const b = await parseJson(c, RouteBody, 'route request');
    const tenant = tenantFilter(c, b.tenant);
    if (tenant !== undefined) b.tenant = tenant;
    const m = await meshOf(node);
    const r = await m.routeSemantic(b.text, { type: b.caller ?? 'user', tenant: b.tenant ?? 'default', admin: b.caller === undefined }, b.tags);
    return c.json(r.decision);
  });
  app.get('/decisions', async (c) => {
    const m = await meshOf(node);
    const q = c.req.query();
    const limit = q.limit ? Math.max(1, Math.min(1000, Number(q.limit) || 100)) : 100;
    const routed = q.routed === undefined ? undefined : q.routed === 'true';
    return c.json({ decisions: m.decisions.list({ limit, routed, tenant: tenantFilter(c, q.tenant) }) });
  });
  app.get('/decisions/:id', async (c) => {
    const m = await meshOf(node);
    const d = m.decisions.get(c.req.param('id'));
    const missing = () => `no routing decision '${c.req.param('id')}' (only the latest ${m.spec.routing.decisions_kept} are kept)`;
    if (!d) throw new NotFoundError(missing());
    assertVisible(c, d.tenant, missing);
    return c.json(d);
  });
  app.get('/edges', async (c) => {
    const m = await meshOf(node);
    const scope = scopeOf(c).tenant;
    const agents = meshAgents(m, scope === null ? {} : { tenant: scope });
    const mine = new Set(agents.map((a) => a.agent));
    // a tenant's caller sees the edges into or out of its own agents only
    const edges = m.edges
      .report((callee) => {
        const s = m.sloOf(callee);
        return s.p99_ms !== undefined || s.error_rate !== undefined ? s : undefined;
      })
      .filter((e) => scope === null || mine.has(e.callee) || mine.has(e.caller));
    const nodes = new Map<string, { id: string; kind: string; health: string; instances: number; tenant: string | null }>();
    for (const a of agents) {
      const healthy = a.instances.filter((i) => i.health === 'healthy').length;
      nodes.set(a.agent, { id: a.agent, kind: a.instances[0]?.kind ?? 'native', health: healthy === a.instances.length ? 'healthy' : healthy ? 'degraded' : 'unhealthy', instances: a.instances.length, tenant: a.tenant });
    }
    for (const e of edges) {
      if (!nodes.has(e.caller)) nodes.set(e.caller, { id: e.caller, kind: 'caller', health: 'healthy', instances: 0, tenant: null });
      if (!nodes.has(e.callee)) nodes.set(e.callee, { id: e.callee, kind: 'gone', health: 'unhealthy', instances: 0, tenant: null });
    }
    return c.json({ nodes: [...nodes.values()], edges });
  });
  return app;
}
