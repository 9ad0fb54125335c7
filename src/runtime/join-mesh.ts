/**
 * A team's process joining a daca mesh: its agents (`defineAgent`, run by an `AgentRuntime` such as
 * {@link startAgentProcess}'s) are served as A2A servers from this process — card at
 * `/a2a/<agent>/.well-known/agent-card.json`, JSON-RPC (`message/send`, `message/stream`,
 * `tasks/get`, `tasks/cancel`) at `/a2a/<agent>/` — and registered with daca by URL
 * (`POST /api/mesh/agents`, an operator's admin key). daca fetches and validates each card, keeps
 * the agents registered, and from then on routes, balances and forwards calls to this process
 * like any mesh member: `POST <daca>/a2a/<agent>/`, or a request stated in words to `POST <daca>/a2a/`.
 *
 * Only daca may call it: joinMesh makes a random per-process secret (or takes `secret`), registers
 * each agent with `headers: { authorization: 'Bearer <secret>' }` — daca keeps them sealed in its
 * registry and sends them on every hop and card fetch — and answers any request without that bearer
 * 401 (a JSON-RPC error for POST, a JSON error otherwise). Callers go through daca, which
 * authenticates them and applies the mesh's policies.
 *
 * daca stores the registrations, so they outlive restarts of daca; {@link JoinedMesh.close} removes
 * them (`DELETE /api/mesh/agents/<agent>?url=`). A process that dies without closing leaves them
 * behind: its card fetches fail (status `error` in `GET /api/mesh/agents`), its instances leave
 * the mesh when their TTL lapses, and `daca mesh rm <agent> <url>` removes the leftover registration.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentCard, cardJsonV03, cardJsonV1, type CardInfo } from '../mesh/a2a/cards.js';
import { LocalA2AEndpoint, writeJson } from '../mesh/a2a/local-endpoint.js';
import { MeshUser } from '../mesh/a2a/caller-user.js';
import type { LocalTurn } from '../mesh/a2a/agent-executor.js';
import type { AgentHost } from './agent-host.js';
import type { AgentMessage } from './types.js';
import { InvalidRequestError } from '../errors.js';

/** How a team's process joins a mesh. */
export interface JoinMeshOptions {
  /** daca's base URL, e.g. `http://daca.internal:8700`. */
  dacaUrl: string;
  /** A daca admin key: registering an agent in the mesh is an operator's act. */
  adminKey: string;
  /** Port to serve A2A on (default 0: any free port). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Base URL daca reaches this process at (default `http://<host>:<port>`). */
  publicUrl?: string;
  /** Tenant the agents belong to in the mesh (default `default`). */
  tenant?: string;
  /** Version written on the agents' cards (default `1.0`). */
  version?: string;
  /**
   * The bearer secret daca must present on every call to this process (32 to 1024 printable ASCII
   * characters, no spaces). Default: 32 random bytes, base64url, new at every start.
   */
  secret?: string;
}

/** A team's process serving its agents to a mesh. */
export interface JoinedMesh {
  /** Base URL of this process's A2A server. */
  url: string;
  /** The agents registered, each with its A2A endpoint. */
  agents: { name: string; url: string }[];
  /** Removes the agents' registrations from daca (best effort) and stops serving. */
  close(): Promise<void>;
}

/**
 * Serves `host`'s agents over A2A from this process and registers them with daca.
 * @example
 * ```ts
 * const rt = await startAgentProcess({ dacaUrl, key, agents: [inventory] });
 * const joined = await joinMesh(rt, { dacaUrl, adminKey: process.env.DACA_ADMIN_KEY! });
 * // daca now routes "how many kettles are in stock?" to this process's inventory agent
 * ```
 */
export async function joinMesh(host: AgentHost, o: JoinMeshOptions): Promise<JoinedMesh> {
  const secret = o.secret ?? randomBytes(32).toString('base64url');
  if (!/^[\x21-\x7e]{32,1024}$/.test(secret)) throw new InvalidRequestError('JoinMeshOptions.secret must be 32 to 1024 printable ASCII characters without spaces', { param: 'secret' });
  const dacaBase = o.dacaUrl.replace(/\/+$/, '');
  const fromDaca = bearerCheck(secret);
  const server = createServer({ keepAliveTimeout: 65_000 });
  const listenHost = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, listenHost, resolve);
  });
  const base = (o.publicUrl ?? `http://${listenHost}:${(server.address() as AddressInfo).port}`).replace(/\/+$/, '');
  const turns: LocalTurn = {
    invoke: (agent: string, message: AgentMessage, user: MeshUser | undefined, signal: AbortSignal) =>
      host.invoke(agent, message.contextId, message, {
        signal,
        ...(user?.identity.type ? { caller: user.identity.type } : {}),
        ...(user?.traceparent ? { traceparent: user.traceparent } : {}),
        ...(user?.deadlineMs ? { deadlineMs: user.deadlineMs } : {}),
      }),
  };
  const served = new Map<string, { info: CardInfo; endpoint: LocalA2AEndpoint }>();
  for (const a of host.list()) {
    const info: CardInfo = { name: a.name, description: a.description, version: o.version ?? '1.0', url: `${base}/a2a/${encodeURIComponent(a.name)}/`, skills: a.skills, streaming: false };
    served.set(a.name, { info, endpoint: new LocalA2AEndpoint(a.name, agentCard(info), turns) });
  }
  const identity = { type: 'mesh', tenant: o.tenant ?? 'default' };
  server.on('request', (req, res) => {
    if (!fromDaca(req)) return refuse(req, res, dacaBase);
    const m = /^\/a2a\/([^/?]+)\/(\.well-known\/agent-card\.json)?(?:\?.*)?$/.exec(req.url ?? '');
    const entry = m ? served.get(decodeURIComponent(m[1]!)) : undefined;
    if (!m || !entry) return writeJson(res, 404, { error: `no agent here; this process serves ${[...served.keys()].map((n) => `/a2a/${n}/`).join(', ')}` });
    if (m[2]) {
      if (req.method !== 'GET') return writeJson(res, 405, { error: 'GET the agent card' });
      const v = String(req.headers['a2a-version'] ?? '');
      return writeJson(res, 200, v.startsWith('1') ? cardJsonV1(agentCard(entry.info)) : cardJsonV03(entry.info));
    }
    if (req.method !== 'POST') return writeJson(res, 405, { error: 'POST a JSON-RPC request' });
    void readJson(req).then(
      // the hop's trace context carries on into the agent's turn (and its model calls through daca)
      (body) => entry.endpoint.handle(body, req.headers['a2a-version'] as string | undefined, new MeshUser(identity, req.headers.traceparent as string | undefined, undefined), identity.tenant, res),
      () => writeJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'the body is not JSON' } }),
    );
  });
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const agents: { name: string; url: string }[] = [];
  const close = async (): Promise<void> => {
    // daca keeps registrations across its restarts: a process that leaves says so
    for (const a of agents) {
      await fetch(`${dacaBase}/api/mesh/agents/${encodeURIComponent(a.name)}?url=${encodeURIComponent(a.url)}`, {
        method: 'DELETE', headers: { authorization: `Bearer ${o.adminKey}` }, signal: AbortSignal.timeout(5_000),
      }).catch(() => {});
    }
    await stop();
  };
  try {
    for (const [name, { info }] of served) {
      const r = await fetch(`${dacaBase}/api/mesh/agents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, url: info.url, ...(o.tenant ? { tenant: o.tenant } : {}), headers: { authorization: `Bearer ${secret}` } }),
      });
      if (!r.ok) throw new Error(`daca refused to register '${name}' (${r.status}): ${await r.text()}`);
      agents.push({ name, url: info.url });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { url: base, agents, close };
}

/** True when a request carries `authorization: Bearer <secret>` (compared in constant time). */
function bearerCheck(secret: string): (req: IncomingMessage) => boolean {
  const want = createHash('sha256').update(secret).digest();
  return (req) => {
    const m = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(createHash('sha256').update(m[1]!).digest(), want);
  };
}

/** 401: a JSON-RPC error to a POST, a JSON error otherwise; either says how to get through. */
function refuse(req: IncomingMessage, res: ServerResponse, dacaBase: string): void {
  const message = `this process answers daca only: call its agents through daca (POST ${dacaBase}/a2a/<agent>/ with a daca key), or send the bearer secret joinMesh registered with daca (authorization: Bearer <secret>)`;
  res.setHeader('www-authenticate', 'Bearer');
  // -32000 (server error): A2A gives -32001 to TaskNotFound
  writeJson(res, 401, req.method === 'POST' ? { jsonrpc: '2.0', id: null, error: { code: -32000, message } } : { error: message });
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('error', reject);
    req.on('end', () => {
      try {
        const v = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) resolve(v as Record<string, unknown>);
        else reject(new Error('not an object'));
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}
