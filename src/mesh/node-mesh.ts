/**
 * The mesh of a running node, created on first use and shared by the A2A routes, `/mcp`, the
 * admin API and the runtime (agent-to-agent calls). It keeps this node's agents, the spec's
 * external agents and the external agents registered through the API (read from the Store at
 * every heartbeat, so every node that shares the Store keeps them, across restarts) registered
 * in the registry: NATS JetStream KV when `DACA_NATS_URL` is set, the Store otherwise.
 */
import type { AgentToolbox } from '../runtime/agent-tools.js';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ApprovalService } from '../guardrails/approvals/approval-service.js';
import { ToolPolicy } from '../guardrails/tools/tool-policy.js';
import type { AgentHost, MeshCaller } from '../runtime/agent-host.js';
import { InvalidRequestError } from '../errors.js';
import type { Spec } from '../spec/schema.js';
import type { Store } from '../store/types.js';
import type { Tracer } from '../telemetry/tracing/index.js';
import type { ModelProvider } from '../providers/types.js';
import type { ModelCatalog } from '../spec/resolve.js';
import { parseCard } from './a2a/cards.js';
import { modelTextEmbedder, type TextEmbedder } from './routing/embedding-router.js';
import { McpToolHub } from './mcp/mcp-tool-hub.js';
import { Mesh } from './mesh.js';
import type { ExternalAgentSpec } from './mesh-spec.js';
import { NatsRegistry } from './registry/nats-registry.js';
import { StoreRegistry } from './registry/store-registry.js';
import { MeshRegistrations, type MeshRegistration } from './registry/registration-store.js';
import type { MeshRegistry } from './registry/types.js';
import { MeshTokens } from './security/agent-token.js';
import { HeaderSeal } from './security/sealed-headers.js';

/** What the mesh needs from a node (a subset of `Services`). */
export interface MeshNode {
  store: Store;
  spec: { spec: Spec };
  tracer?: Tracer;
  logger?: Pick<Logger, 'warn' | 'error' | 'info'>;
  adminKey: string;
  engines?: { tools?: ToolPolicy; approvals?: ApprovalService };
  /** The node's runtime: an AgentHost (with `setMesh` to route agent-to-agent calls through the mesh). */
  runtime?: unknown;
  /** The node's models and providers (for `mesh.routing.embedding_model`). */
  catalog?: ModelCatalog;
  providers?: Map<string, ModelProvider>;
}

/** The embedder of a declared embedding model, read from the node's catalog and providers at call time. */
function embedderFor(node: MeshNode): (model: string) => TextEmbedder {
  return (name) => modelTextEmbedder(name, node.catalog, node.providers);
}

/** An external agent registered through the API, its headers opened. */
type AddedAgent = Pick<ExternalAgentSpec, 'url' | 'card_path' | 'headers' | 'tenant'> & { name: string };

interface NodeMesh {
  mesh: Mesh;
  tools: McpToolHub;
  timer: NodeJS.Timeout;
  publicUrl: string | null;
  /** Status of each external registration, by `name url`. */
  external: Map<string, { ok: boolean; error?: string; at: number }>;
  /** Where each external registration's card last said the agent is (`name url` → endpoint). */
  endpoints: Map<string, string>;
  /** The API's registrations, as last read from the Store (each heartbeat re-reads them). */
  added: Map<string, AddedAgent>;
  registrations: MeshRegistrations;
  /** The heartbeat under way, if any (beats never overlap). */
  beating: Promise<void> | null;
}

const meshes = new WeakMap<object, Promise<NodeMesh>>();
const ready = new WeakMap<object, NodeMesh>();
const hosts = new WeakMap<object, AgentHost>();

/** Hands the node's AgentHost to the mesh (without it, the mesh uses `services.runtime`). */
export function attachAgentHost(node: object, host: AgentHost): void {
  hosts.set(node, host);
}

function isHost(x: unknown): x is AgentHost {
  return typeof x === 'object' && x !== null && typeof (x as AgentHost).list === 'function' && typeof (x as AgentHost).invoke === 'function';
}

function hostOf(node: MeshNode): AgentHost | undefined {
  const attached = hosts.get(node);
  if (attached) return attached;
  const r = node.runtime as { host?: unknown } | undefined;
  return isHost(r) ? r : isHost(r?.host) ? r.host : undefined;
}

/**
 * The node's mesh (registry opened, heartbeats running).
 * @example
 * ```ts
 * const mesh = await meshOf(services);
 * mesh.route('how many kettles are in stock?', { type: 'user', tenant: 'default' });
 * ```
 */
export function meshOf(node: MeshNode): Promise<Mesh> {
  return nodeMeshOf(node).then((n) => n.mesh);
}

/** The mesh when it is already open (hot paths avoid a promise), else null. */
export function meshIfReady(node: object): Mesh | null {
  return ready.get(node)?.mesh ?? null;
}

/** The MCP tools hub of the node (tools of `mesh.mcp_servers`, governed). */
export function mcpToolsOf(node: MeshNode): Promise<McpToolHub> {
  return nodeMeshOf(node).then((n) => n.tools);
}

/** The node's MCP tools as agents' `ctx.tools` see them (the mesh opens on first use). */
export function toolboxOf(node: MeshNode): AgentToolbox {
  return {
    listTools: (agent) => mcpToolsOf(node).then((h) => h.listTools(agent)),
    callTool: (caller, tool, args, opts) => mcpToolsOf(node).then((h) => h.callTool(caller, tool, args, opts)),
  };
}

/**
 * Learns the node's public base URL from a request (until `DACA_PUBLIC_URL` says otherwise);
 * `origin` is only called while the URL is still unknown (it parses the request's URL).
 */
export function notePublicUrl(node: object, origin: () => string): void {
  const n = ready.get(node);
  if (n && !n.publicUrl) n.publicUrl = process.env.DACA_PUBLIC_URL ?? origin();
}

/** Status of the spec's external agents (card fetched and valid?). */
export function externalStatusOf(node: object): Record<string, { ok: boolean; error?: string; at: number }> {
  return Object.fromEntries(ready.get(node)?.external ?? []);
}

/** Deregisters this node's instances of agents it no longer hosts (a live apply removed them). */
export async function deregisterLocalAgents(node: object, names: readonly string[]): Promise<void> {
  const n = ready.get(node);
  if (!n) return;
  for (const name of names) await n.mesh.registry.deregister(`${n.mesh.nodeId}/${name}`).catch(() => {});
}

/** Stops heartbeats, deregisters this node's instances, closes the registry and MCP connections. */
export async function closeMeshOf(node: object): Promise<void> {
  const p = meshes.get(node);
  if (!p) return;
  meshes.delete(node);
  ready.delete(node);
  const n = await p.catch(() => null);
  if (!n) return;
  clearInterval(n.timer);
  for (const i of n.mesh.registry.list()) if (i.node === n.mesh.nodeId) await n.mesh.registry.deregister(i.instanceId).catch(() => {});
  await n.mesh.registry.close();
  await n.tools.close();
}

function nodeMeshOf(node: MeshNode): Promise<NodeMesh> {
  let p = meshes.get(node);
  if (!p) {
    p = open(node);
    meshes.set(node, p);
    p.then((n) => ready.set(node, n)).catch(() => meshes.delete(node));
  }
  return p;
}

async function open(node: MeshNode): Promise<NodeMesh> {
  const spec = (): Spec => node.spec.spec;
  const r = spec().mesh.registry;
  const onError = (e: unknown): void => node.logger?.warn({ err: e }, 'mesh registry refresh failed');
  const registry: MeshRegistry = process.env.DACA_NATS_URL
    ? await NatsRegistry.open(process.env.DACA_NATS_URL, { ttlMs: r.ttl_ms, refreshMs: 0, onError })
    : await StoreRegistry.open(node.store, { ttlMs: r.ttl_ms, refreshMs: Math.max(250, Math.floor(r.heartbeat_ms / 2)), onError });
  const secret = process.env.DACA_MESH_SECRET ?? createHash('sha256').update(`daca-mesh:${node.adminKey}`).digest('hex');
  const nodeId = process.env.DACA_NODE_ID ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const mesh = new Mesh({ spec, host: () => hostOf(node), registry, tokens: new MeshTokens(secret), headerSeal: new HeaderSeal(secret), nodeId, embedderFor: embedderFor(node), ...(node.tracer ? { tracer: node.tracer } : {}) });
  const tools = new McpToolHub(spec().mesh.mcp_servers, { tools: node.engines?.tools ?? new ToolPolicy(spec()), approvals: node.engines?.approvals });
  const n: NodeMesh = {
    mesh, tools, timer: null as unknown as NodeJS.Timeout, publicUrl: process.env.DACA_PUBLIC_URL ?? null, external: new Map(), endpoints: new Map(), added: new Map(),
    registrations: new MeshRegistrations(node.store), beating: null,
  };
  const beat = (): Promise<void> => {
    n.beating ??= heartbeat(n, node)
      .catch((e: unknown) => node.logger?.warn({ err: e }, 'mesh heartbeat failed'))
      .finally(() => {
        n.beating = null;
      });
    return n.beating;
  };
  // agent-to-agent calls of the runtime go through the mesh (policy, balancing, remote agents)
  const rt = node.runtime as { setMesh?: (m: MeshCaller) => void } | undefined;
  if (typeof rt?.setMesh === 'function') rt.setMesh(mesh);
  n.timer = setInterval(() => void beat(), r.heartbeat_ms);
  n.timer.unref();
  // the first beat reads the API's registrations from the Store: a restarted node serves them at once
  await beat();
  return n;
}

/** Registers this node's agents (once its URL is known), the spec's external agents and the API's. */
async function heartbeat(n: NodeMesh, node: MeshNode): Promise<void> {
  const mesh = n.mesh;
  const spec = node.spec.spec;
  const zone = spec.mesh.registry.zone;
  const host = hostOf(node);
  if (host && n.publicUrl) {
    for (const a of host.list()) {
      const s = mesh.balancer.state(`${mesh.nodeId}/${a.name}`);
      await mesh.registry.register({
        agent: a.name, instanceId: `${mesh.nodeId}/${a.name}`, endpoint: `${n.publicUrl}/a2a/${encodeURIComponent(a.name)}/`, node: mesh.nodeId, kind: 'native',
        tenant: mesh.tenantOf(a.name), version: a.version, zone, description: a.description, skills: a.skills, tags: spec.agents[a.name]?.tags ?? [],
        health: 'healthy', load: s.inFlight,
      });
    }
  }
  await loadRegistrations(n, node);
  const beats: Promise<void>[] = [];
  for (const [name, ext] of Object.entries(spec.mesh.external_agents)) for (const url of [ext.url, ...ext.instances]) beats.push(registerExternal(n, name, { ...ext, url }, zone));
  // the spec's headers are on every node already; the API's travel sealed with the instance
  for (const ext of n.added.values()) beats.push(registerExternal(n, ext.name, ext, zone, true));
  await Promise.all(beats);
}

/** Re-reads the API's registrations from the Store (on a read error, keeps the last ones read). */
async function loadRegistrations(n: NodeMesh, node: MeshNode): Promise<void> {
  let rows: MeshRegistration[];
  try {
    rows = await n.registrations.list();
  } catch (e) {
    node.logger?.warn({ err: e }, 'mesh registrations could not be read; keeping the last ones read');
    return;
  }
  const next = new Map<string, AddedAgent>();
  const stored = new Set(rows.map((r) => `${r.name} ${r.url}`));
  for (const r of rows) {
    const key = `${r.name} ${r.url}`;
    const headers = r.headers ? (n.mesh.headerSeal?.open(r.headers, r.url) ?? null) : {};
    if (!headers) {
      n.external.set(key, { ok: false, error: 'its headers were sealed under another mesh secret (DACA_MESH_SECRET, else the admin key): register it again', at: Date.now() });
      continue;
    }
    next.set(key, { name: r.name, url: r.url, card_path: r.cardPath, headers, tenant: r.tenant });
  }
  // registrations another node removed: their status goes too (unless the spec declares the same)
  const declared = new Set(Object.entries(node.spec.spec.mesh.external_agents).flatMap(([name, ext]) => [ext.url, ...ext.instances].map((url) => `${name} ${url}`)));
  for (const key of n.added.keys()) {
    if (stored.has(key) || declared.has(key)) continue;
    n.external.delete(key);
    n.endpoints.delete(key);
  }
  n.added = next;
}

/**
 * Registers an external A2A agent by URL at run time: its card is fetched and validated now, and
 * the registration is stored (replacing one with the same name and URL) before this returns, so
 * every node sharing the Store keeps it registered, across restarts.
 * @throws InvalidRequestError when the card cannot be read or is not valid.
 */
export async function addExternalAgent(
  node: MeshNode,
  name: string,
  ext: { url: string; card_path?: string; headers?: Record<string, string>; tenant?: string },
  createdBy: string | null = null,
): Promise<void> {
  const n = await nodeMeshOf(node);
  const key = `${name} ${ext.url}`;
  const tenant = ext.tenant ?? 'default';
  const full: AddedAgent = { name, url: ext.url, card_path: ext.card_path ?? '/.well-known/agent-card.json', headers: ext.headers ?? {}, tenant };
  await registerExternal(n, name, full, node.spec.spec.mesh.registry.zone, true);
  const st = n.external.get(key);
  if (!st?.ok) throw new InvalidRequestError(`could not register '${name}': ${st?.error ?? 'the agent card could not be read'}`, { param: 'url' });
  // sealed as for the registry (registerExternal refused headers without a seal), bound to the registered URL: no plain value at rest
  const seal = n.mesh.headerSeal;
  const headers = seal && Object.keys(full.headers).length > 0 ? seal.seal(full.headers, full.url) : null;
  await n.registrations.put({ name, url: full.url, tenant, cardPath: full.card_path, headers, createdAt: Date.now(), createdBy });
  n.added.set(key, full);
}

/**
 * Removes external agents registered through the API: the stored registrations of `name` (only
 * the one at `only.url`, only those of `only.tenant`, when given), and their instances from the
 * registry at once. Returns the registrations removed (none: nothing matched).
 */
export async function removeExternalAgent(node: MeshNode, name: string, only: { url?: string; tenant?: string } = {}): Promise<MeshRegistration[]> {
  const n = await nodeMeshOf(node);
  const removed = await n.registrations.remove(name, only);
  // a beat that read the rows before they went must not renew the instances after they are gone
  await n.beating;
  for (const r of removed) {
    const key = `${r.name} ${r.url}`;
    const ids = new Set([n.endpoints.get(key), r.url, r.url.endsWith('/') ? r.url : `${r.url}/`].filter((e) => e !== undefined).map((e) => `external:${r.name}:${e}`));
    n.added.delete(key);
    n.external.delete(key);
    n.endpoints.delete(key);
    for (const id of ids) await n.mesh.registry.deregister(id);
  }
  return removed;
}

/**
 * Fetches and validates an external agent's card (sending its headers), and registers it as a mesh
 * member; with `sealHeaders` (a registration through the API) its headers go into the registry
 * sealed, for every node's hops to it.
 */
export async function registerExternal(n: Pick<NodeMesh, 'mesh' | 'external' | 'endpoints'>, name: string, ext: Pick<ExternalAgentSpec, 'url' | 'card_path' | 'headers' | 'tenant'>, zone = 'external', sealHeaders = false): Promise<void> {
  const at = Date.now();
  try {
    const cardUrl = new URL(ext.card_path.replace(/^\//, ''), ext.url.endsWith('/') ? ext.url : `${ext.url}/`);
    const res = await fetch(cardUrl, { headers: { 'a2a-version': '1.0', ...ext.headers }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET ${cardUrl} answered ${res.status}`);
    const card = parseCard(await res.json());
    // credentials go only where they were registered: a card may not send them to another origin
    if (Object.keys(ext.headers).length > 0 && new URL(card.url).origin !== new URL(ext.url).origin)
      throw new Error(`the agent card names ${new URL(card.url).origin} as its endpoint, not ${new URL(ext.url).origin} where it was registered; daca sends an agent's headers only to the origin they were registered for (register the card's own URL)`);
    const seal = sealHeaders && Object.keys(ext.headers).length > 0 ? n.mesh.headerSeal : undefined;
    if (sealHeaders && Object.keys(ext.headers).length > 0 && !seal) throw new Error('this mesh cannot keep registration headers (no header seal)');
    const sealed = seal?.seal(ext.headers, card.url);
    await n.mesh.registry.register({
      agent: name, instanceId: `external:${name}:${card.url}`, endpoint: card.url, node: 'external', kind: 'external', tenant: ext.tenant ?? 'default',
      version: card.version, zone, description: card.description, skills: card.skills, tags: [], health: 'healthy', load: n.mesh.balancer.state(`external:${name}:${card.url}`).inFlight,
      ...(sealed ? { headers: sealed } : {}),
    });
    n.external.set(`${name} ${ext.url}`, { ok: true, at });
    n.endpoints.set(`${name} ${ext.url}`, card.url);
  } catch (e) {
    n.external.set(`${name} ${ext.url}`, { ok: false, error: e instanceof Error ? e.message : String(e), at });
  }
}
