/**
 * The mesh's HTTP surface: every agent as an A2A server at `/a2a/<agent>/` (card at
 * `/a2a/<agent>/.well-known/agent-card.json`), the mesh itself as one A2A agent at
 * `/.well-known/agent-card.json` + `/a2a/` that routes each message by skill, and daca's agents
 * as MCP tools at `/mcp`. Calls authenticate with a daca key or a mesh token (Bearer).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono, type Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { InvalidApiKeyError, InvalidRequestError, NotFoundError } from '../../errors.js';
import { nodeBindings, type NodeBindings } from '../../gateway/node-response.js';
import { readJsonBody } from '../../gateway/request-body.js';
import type { DacaVariables } from '../../gateway/start-call.js';
import { presentedKey, type Authenticator } from '../../server/auth.js';
import type { Span } from '../../telemetry/tracing/index.js';
import { Cancellation } from '../balancer/cancellation.js';
import type { Mesh } from '../mesh.js';
import { meshOf, meshIfReady, notePublicUrl, type MeshNode } from '../node-mesh.js';
import type { MeshCallerIdentity } from '../security/call-policy.js';
import { serveAgentsOverMcp } from '../mcp/agents-mcp-server.js';
import { agentCard, cardJsonV03, cardJsonV1, type CardInfo } from './cards.js';
import { MeshUser } from './caller-user.js';
import { LocalA2AEndpoint, writeJson } from './local-endpoint.js';

/** Dependencies of the mesh routes. */
export interface MeshRoutesDeps {
  node: MeshNode;
  keys: Authenticator;
  maxBodyBytes: number;
}

/**
 * The JSON-RPC handler of `POST /a2a/<agent>/` of a {@link meshRoutes} app, for serving the mesh
 * hop without the framework adapter (src/server/fast-routes.ts). It reads `c.req.param('agent')`.
 */
export const agentRpcOf = new WeakMap<object, (c: Context) => Promise<Response>>();

const SEND_METHODS = new Set(['message/send', 'message/stream', 'SendMessage', 'SendStreamingMessage']);
const STREAM_METHODS = new Set(['message/stream', 'SendStreamingMessage', 'tasks/resubscribe', 'SubscribeToTask']);
const TASK_METHODS = new Set(['tasks/get', 'tasks/cancel', 'tasks/resubscribe', 'GetTask', 'CancelTask', 'SubscribeToTask']);

/**
 * The routes; mount at the root of the app.
 * @example
 * ```ts
 * app.route('/', meshRoutes({ node: services, keys: services.keyRing, maxBodyBytes: 4 << 20 }));
 * ```
 */
export function meshRoutes(deps: MeshRoutesDeps): Hono<{ Variables: DacaVariables }> {
  const app = new Hono<{ Variables: DacaVariables }>();
  const endpoints = new Map<string, LocalA2AEndpoint>();
  /** Which remote instance holds a task (tasks/* must reach it); bounded. */
  const affinity = new Map<string, string>();
  const mesh = async (c: Context): Promise<Mesh> => {
    const m = meshIfReady(deps.node) ?? (await meshOf(deps.node));
    notePublicUrl(deps.node, () => new URL(c.req.url).origin);
    return m;
  };

  /** The local endpoint of an agent (created on first use; recreated when its card changes). */
  const endpointOf = (m: Mesh, agent: string, base: string): LocalA2AEndpoint => {
    const hosted = m.localAgent(agent)!;
    const key = `${agent}@${hosted.version}`;
    let ep = endpoints.get(key);
    if (!ep) {
      const card = agentCard(localCardInfo(m, agent, base));
      ep = new LocalA2AEndpoint(agent, card, {
        invoke: (a, msg, user, signal) => m.invokeLocal(a, msg, user?.identity ?? { type: 'user', tenant: m.tenantOf(a) }, { signal, ...(user?.traceparent ? { traceparent: user.traceparent } : {}), ...(user?.deadlineMs ? { deadlineMs: user.deadlineMs } : {}) }),
        stream: (a, msg, user, signal) => m.streamLocal(a, msg, user?.identity ?? { type: 'user', tenant: m.tenantOf(a) }, { signal, ...(user?.traceparent ? { traceparent: user.traceparent } : {}), ...(user?.deadlineMs ? { deadlineMs: user.deadlineMs } : {}) }),
      });
      endpoints.set(key, ep);
    }
    return ep;
  };

  const authenticate = async (c: Context, m: Mesh, audience: string): Promise<MeshCallerIdentity> => {
    const secret = presentedKey(c);
    if (!secret) throw new InvalidApiKeyError('No API key provided. Send "Authorization: Bearer <key>" (a daca key from `daca keys create`, or a mesh token).');
    if (secret.startsWith('dmt1.')) {
      const claims = m.tokens.verify(secret, audience);
      if (!claims) throw new InvalidApiKeyError('The mesh token is invalid, expired, or for another agent.');
      return { type: claims.sub, tenant: claims.ten };
    }
    const p = await deps.keys.authenticate(secret);
    if (!p) throw new InvalidApiKeyError('The API key is unknown or revoked. Create one with `daca keys create`.');
    return { type: p.agent ?? 'user', tenant: p.tenant, admin: p.role === 'admin' };
  };

  // ---- cards ----
  const meshCard = async (c: Context) => {
    const m = await mesh(c);
    const base = new URL(c.req.url).origin;
    const info: CardInfo = {
      name: 'daca-mesh', version: '1.0', url: `${base}/a2a/`, streaming: true,
      description: 'The daca agent mesh: send a message stating what you need; it is routed to the agent whose skills fit best.',
      skills: m.skillIndex().entries().map((e) => ({ id: `${e.agent}/${e.skill}`, name: e.name ?? e.skill, description: e.description ?? '', examples: [...(e.examples ?? [])], tags: [...(e.tags ?? [])] })),
    };
    return c.json(cardBody(c, info), 200, { vary: 'A2A-Version', 'cache-control': 'no-cache' });
  };
  app.get('/.well-known/agent-card.json', meshCard);
  app.get('/a2a/.well-known/agent-card.json', meshCard);
  app.get('/a2a/:agent/.well-known/agent-card.json', async (c) => {
    const m = await mesh(c);
    const agent = c.req.param('agent');
    const base = new URL(c.req.url).origin;
    if (m.localAgent(agent)) return c.json(cardBody(c, localCardInfo(m, agent, base)), 200, { vary: 'A2A-Version', 'cache-control': 'no-cache' });
    const inst = m.registry.list({ agent })[0];
    if (!inst) throw new NotFoundError(`no agent '${agent}' in the mesh; see GET /api/mesh/agents`);
    const info: CardInfo = { name: agent, description: inst.description, version: inst.version, url: `${base}/a2a/${encodeURIComponent(agent)}/`, skills: inst.skills, streaming: true, tags: inst.tags };
    return c.json(cardBody(c, info), 200, { vary: 'A2A-Version', 'cache-control': 'no-cache' });
  });

  // ---- JSON-RPC ----
  const agentRpc = async (c: Context) => {
    const m = await mesh(c);
    const agent = c.req.param('agent')!;
    const caller = await authenticate(c, m, agent);
    const target = m.resolve(agent);
    m.authorize(caller, agent);
    return dispatch(c, m, agent, null, caller, target.kind === 'local' ? null : undefined);
  };
  app.post('/a2a/:agent', agentRpc);
  app.post('/a2a/:agent/', agentRpc);
  agentRpcOf.set(app, agentRpc);

  const meshRpc = async (c: Context) => {
    const m = await mesh(c);
    const caller = await authenticate(c, m, '*');
    const body = (await readJsonBody(c, deps.maxBodyBytes)) as { id?: string | number | null; method?: string; params?: { message?: { parts?: { text?: unknown }[]; metadata?: Record<string, unknown> }; metadata?: Record<string, unknown> } };
    if (!SEND_METHODS.has(body.method ?? '')) {
      // tasks/* on the mesh endpoint: the local agent that owns the task answers
      for (const a of m.host?.list() ?? []) {
        const ep = endpointOf(m, a.name, new URL(c.req.url).origin);
        const { outgoing } = nodeBindings(c);
        const id = String((body.params as { id?: unknown } | undefined)?.id ?? '');
        if (await ep.handler.getTask({ tenant: '', id, historyLength: undefined }, ctxFor(caller)).then(() => true, () => false)) {
          await ep.handle(body as Record<string, unknown>, c.req.header('a2a-version'), new MeshUser(caller, undefined, undefined), caller.tenant, outgoing);
          return RESPONSE_ALREADY_SENT;
        }
      }
      throw new NotFoundError(`no task '${String((body.params as { id?: unknown } | undefined)?.id ?? '')}' on this node; call tasks/* on the agent's own endpoint /a2a/<agent>/`);
    }
    const msg = body.params?.message;
    const text = (msg?.parts ?? []).map((p) => (typeof p.text === 'string' ? p.text : '')).join('\n');
    const meta = { ...(body.params?.metadata ?? {}), ...(msg?.metadata ?? {}) };
    const tags = Array.isArray(meta.tags) ? meta.tags.filter((t): t is string => typeof t === 'string') : undefined;
    const r = await m.routeSemantic(text, caller, tags);
    if (!r.agent) {
      const closest = r.decision.candidates.map((k) => `${k.agent}/${k.skill} (${Math.round(k.score * 100)}%)`).join(', ');
      throw new NotFoundError(`no agent offers what this request asks for: ${r.decision.reason}.${closest ? ` Closest: ${closest}.` : ''}`, {
        details: { decision_id: r.decision.id, score: r.decision.score, candidates: r.decision.candidates },
      });
    }
    const target = m.resolve(r.agent);
    return dispatch(c, m, r.agent, r.skill, caller, target.kind === 'local' ? null : undefined, body, JSON.stringify(body));
  };
  app.post('/a2a', meshRpc);
  app.post('/a2a/', meshRpc);

  /** Remembers which instance holds a task (bounded). */
  function noteTask(id: unknown, instanceId: string): void {
    if (typeof id !== 'string') return;
    if (affinity.size > 100_000) affinity.clear();
    affinity.set(id, instanceId);
  }

  /** Runs a JSON-RPC request on a local agent, or forwards it to a remote instance. */
  async function dispatch(c: Context, m: Mesh, agent: string, skill: string | null, caller: MeshCallerIdentity, local: null | undefined, parsed?: unknown, raw?: string): Promise<Response> {
    const { outgoing, incoming } = nodeBindings(c) as NodeBindings;
    const span: Span = m.tracer.startRequestSpan(`a2a ${agent}`, {
      traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate'),
      attributes: { 'daca.mesh.caller': caller.type, 'daca.mesh.callee': agent, 'daca.mesh.skill': skill ?? '', 'daca.tenant': caller.tenant },
    });
    // one listener for the span and the client going away (the hop's cancellation, below)
    let gone: Cancellation | null = null;
    outgoing.once('close', () => {
      span.end();
      if (gone && !outgoing.writableFinished) gone.abort(new Error('the client went away'));
    });
    const version = c.req.header('a2a-version');
    const requested = Number(c.req.header('x-daca-deadline-ms') ?? NaN);
    const deadlineMs = m.deadline(agent, skill, Number.isFinite(requested) ? Date.now() + requested : undefined);
    if (local === null) {
      const body = (parsed ?? (await readJsonBody(c, deps.maxBodyBytes))) as Record<string, unknown>;
      await endpointOf(m, agent, new URL(c.req.url).origin).handle(body, version, new MeshUser(caller, span.traceparent(), deadlineMs), caller.tenant, outgoing);
      return RESPONSE_ALREADY_SENT;
    }
    const text = raw ?? (await readRaw(incoming, deps.maxBodyBytes));
    const target = m.resolve(agent);
    if (target.kind !== 'remote') throw new InvalidRequestError(`agent '${agent}' moved; retry`);
    const method = methodOf(text);
    const streaming = STREAM_METHODS.has(method);
    let pinned: string | undefined;
    if (TASK_METHODS.has(method)) {
      const id = (JSON.parse(text) as { params?: { id?: unknown } }).params?.id;
      pinned = typeof id === 'string' ? affinity.get(id) : undefined;
    }
    gone = new Cancellation();
    try {
      const instances = pinned ? () => target.instances().filter((i) => i.instanceId === pinned) : target.instances;
      if (streaming) {
        const { res, instance } = await m.openRemoteStream({ ...target, instances }, text, caller, { traceparent: span.traceparent(), deadlineMs, signal: gone, skill, version });
        relayStream(res, outgoing, { version, deadlineMs, onFirst: (chunk) => noteTask(firstEventTaskId(chunk), instance.instanceId) });
        return RESPONSE_ALREADY_SENT;
      }
      const { answer, instance } = await m.forwardRemote({ ...target, instances }, text, caller, { traceparent: span.traceparent(), deadlineMs, signal: gone, skill, version });
      if (SEND_METHODS.has(method) && answer.status === 200 && answer.body.includes('"task"'))
        noteTask((JSON.parse(answer.body.toString('utf8')) as { result?: { task?: { id?: unknown }; id?: unknown } }).result?.task?.id, instance.instanceId);
      const headers: Record<string, string | number> = { 'content-type': String(answer.headers['content-type'] ?? (streaming ? 'text/event-stream' : 'application/json')), 'content-length': answer.body.length };
      if (version) headers['a2a-version'] = version;
      outgoing.writeHead(answer.status, headers);
      outgoing.end(answer.body);
    } catch (e) {
      span.recordError(e);
      throw e;
    }
    return RESPONSE_ALREADY_SENT;
  }

  // ---- MCP ----
  app.post('/mcp', async (c) => {
    const m = await mesh(c);
    const caller = await authenticate(c, m, '*');
    const body = await readJsonBody(c, deps.maxBodyBytes);
    const { incoming, outgoing } = nodeBindings(c);
    await serveAgentsOverMcp(m, caller, incoming, outgoing, body, c.req.header('traceparent'));
    return RESPONSE_ALREADY_SENT;
  });
  const mcpNoSession = (c: Context) => {
    writeJson(nodeBindings(c).outgoing, 405, { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: daca serves MCP statelessly (POST only).' }, id: null });
    return RESPONSE_ALREADY_SENT;
  };
  app.get('/mcp', mcpNoSession);
  app.delete('/mcp', mcpNoSession);

  return app;
}

function localCardInfo(m: Mesh, agent: string, base: string): CardInfo {
  const a = m.localAgent(agent)!;
  // message/stream always works: a turn that cannot stream is sent as one final event
  return { name: a.name, description: a.description, version: a.version, url: `${base}/a2a/${encodeURIComponent(a.name)}/`, skills: a.skills, streaming: true };
}

/** 1.0 clients ask with `A2A-Version: 1.x`; anything else (0.3 peers send none) gets the 0.3 card. */
function cardBody(c: Context, info: CardInfo): Record<string, unknown> {
  const v = c.req.header('a2a-version') ?? '';
  return (v.startsWith('1') ? cardJsonV1(agentCard(info)) : cardJsonV03(info)) as Record<string, unknown>;
}

/** A call context like the endpoint's (the SDK scopes tasks by tenant). */
function ctxFor(caller: MeshCallerIdentity): ServerCallContext {
  return new ServerCallContext({ user: new MeshUser(caller, undefined, undefined), tenant: caller.tenant });
}

/**
 * Relays a remote instance's streamed answer (SSE) to the caller as it arrives, with
 * back-pressure; the upstream is closed when the caller goes away or the deadline passes (the
 * caller's stream then ends).
 */
function relayStream(res: IncomingMessage, out: ServerResponse, o: { version: string | undefined; deadlineMs: number; onFirst: (chunk: Buffer) => void }): void {
  const headers: Record<string, string> = { 'content-type': String(res.headers['content-type'] ?? 'text/event-stream'), 'cache-control': 'no-cache' };
  if (res.headers['content-length']) headers['content-length'] = String(res.headers['content-length']);
  if (o.version) headers['a2a-version'] = o.version;
  out.writeHead(res.statusCode ?? 200, headers);
  out.flushHeaders();
  let first = true;
  const timer = setTimeout(() => res.destroy(new Error('the stream passed its deadline')), Math.max(1, o.deadlineMs - Date.now()));
  const finish = (): void => {
    clearTimeout(timer);
    if (!out.writableEnded) out.end();
  };
  res.on('data', (d: Buffer) => {
    if (first) {
      first = false;
      o.onFirst(d);
    }
    if (!out.write(d)) {
      res.pause();
      out.once('drain', () => res.resume());
    }
  });
  res.once('end', finish);
  res.once('close', finish);
  res.once('error', finish);
  out.once('close', () => {
    clearTimeout(timer);
    if (!res.complete) res.destroy();
  });
}

/** The task id in the first SSE event of a streamed answer (1.0 `result.task.id`, 0.3 `result.id` of a task), if any. */
function firstEventTaskId(chunk: Buffer): string | undefined {
  const text = chunk.toString('utf8');
  const at = text.indexOf('data:');
  if (at < 0) return undefined;
  const end = text.indexOf('\n', at);
  try {
    const ev = JSON.parse(text.slice(at + 5, end < 0 ? undefined : end)) as { result?: { task?: { id?: unknown }; kind?: unknown; id?: unknown } };
    const id = ev.result?.task?.id ?? (ev.result?.kind === 'task' ? ev.result.id : undefined);
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON-RPC method of a raw body, without parsing all of it. */
function methodOf(text: string): string {
  const i = text.indexOf('"method"');
  if (i < 0) return '';
  const q1 = text.indexOf('"', text.indexOf(':', i) + 1);
  const q2 = text.indexOf('"', q1 + 1);
  return q1 > 0 && q2 > q1 ? text.slice(q1 + 1, q2) : '';
}

function readRaw(incoming: NodeBindings['incoming'], maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    incoming.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(new InvalidRequestError(`the request body is over ${maxBytes} bytes`));
        return;
      }
      parts.push(d);
    });
    incoming.once('end', () => resolve(parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8')));
    incoming.once('error', reject);
  });
}
