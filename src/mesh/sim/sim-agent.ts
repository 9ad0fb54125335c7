/**
 * A simulated A2A agent on @a2a-js/sdk's server pieces: answers every message with a short text
 * (its name and the request), after an optional delay. Tests and benchmarks run it as an external
 * agent or as instances of one agent type, in this process or as a child process
 * (`node dist/src/mesh/sim/sim-agent-main.js --name seller --port 0`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { AgentEvent, type AgentExecutor } from '@a2a-js/sdk/server';
import { agentMessage, taskOf, textOf, toAgentMessage } from '../a2a/convert.js';
import { agentCard, cardJsonV03, cardJsonV1, type CardInfo } from '../a2a/cards.js';
import { LocalA2AEndpoint, writeJson } from '../a2a/local-endpoint.js';
import { MeshUser } from '../a2a/caller-user.js';
import type { AgentSkillInfo } from '../../runtime/types.js';

/** Options of a sim agent. */
export interface SimAgentOptions {
  name: string;
  port?: number;
  host?: string;
  skills?: AgentSkillInfo[];
  /** Delay before answering (ms). */
  delayMs?: number;
  /** Bearer token the agent requires (none: open). */
  token?: string;
  /**
   * When set, the agent answers as a task: it publishes the task as `working` at once, awaits this
   * (a test's gate, say), then completes it with the answer — so a stream carries two events.
   */
  beforeAnswer?: () => Promise<void>;
}

/** A running sim agent. */
export interface RunningSimAgent {
  url: string;
  server: Server;
  /** Messages answered so far. */
  answered(): number;
  close(): Promise<void>;
}

/**
 * Starts a sim agent.
 * @example
 * ```ts
 * const seller = await startSimAgent({ name: 'seller', skills: [{ id: 'quote', name: 'Quote' }] });
 * // card at `${seller.url}/.well-known/agent-card.json`, JSON-RPC at `${seller.url}/`
 * ```
 */
export async function startSimAgent(opts: SimAgentOptions): Promise<RunningSimAgent> {
  let answered = 0;
  const server = createServer({ keepAliveTimeout: 65_000 });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const info: CardInfo = { name: opts.name, description: `Simulated agent ${opts.name}`, version: '1.0', url: `${url}/`, skills: opts.skills ?? [], streaming: true };
  const executor: AgentExecutor = {
    execute: async (rc, bus) => {
      const ids = { taskId: rc.taskId, contextId: rc.contextId };
      if (opts.beforeAnswer) {
        bus.publish(AgentEvent.task(taskOf(ids, 'working', undefined, [rc.userMessage])));
        await opts.beforeAnswer();
      }
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const text = textOf(toAgentMessage(rc.userMessage).parts);
      answered++;
      const answer = agentMessage([{ kind: 'text', text: `${opts.name}: ${text.slice(0, 200)}` }], { messageId: randomUUID(), ...(opts.beforeAnswer ? ids : { contextId: rc.contextId }) });
      if (opts.beforeAnswer) {
        const t = taskOf(ids, 'completed', answer);
        bus.publish(AgentEvent.statusUpdate({ taskId: ids.taskId, contextId: ids.contextId, status: t.status, metadata: undefined }));
      } else bus.publish(AgentEvent.message(answer));
      bus.finished();
    },
    cancelTask: async () => {},
  };
  const endpoint = new LocalA2AEndpoint(opts.name, agentCard(info), executor);
  const user = new MeshUser({ type: 'user', tenant: 'default' }, undefined, undefined);
  server.on('request', (req, res) => {
    if (req.method === 'GET' && req.url?.endsWith('/.well-known/agent-card.json')) {
      const v = String(req.headers['a2a-version'] ?? '');
      writeJson(res, 200, v.startsWith('1') ? cardJsonV1(agentCard(info)) : cardJsonV03(info));
      return;
    }
    if (req.method !== 'POST') {
      writeJson(res, 404, { error: 'not found' });
      return;
    }
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      writeJson(res, 401, { error: 'unauthorised' });
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
      } catch {
        writeJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
        return;
      }
      void endpoint.handle(body, req.headers['a2a-version'] as string | undefined, user, '', res);
    });
  });
  return {
    url,
    server,
    answered: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
