/**
 * Agents written by a team, running in the team's own process and joining a daca mesh: the same
 * `AgentRuntime`, with model calls sent to daca's `/v1/chat/completions` under the team's key and
 * `ctx.callAgent` sent to daca's A2A endpoints (`/a2a/<agent>/`, JSON-RPC `message/send`). Durable
 * agents use the daca cluster's Restate (`restateUrl`, same format as `DACA_RESTATE_URL`).
 * The process serves its agents to the mesh as an `AgentHost` (see docs/runtime.md).
 */
import { randomUUID } from 'node:crypto';
import type { MeshCaller } from './agent-host.js';
import { AgentRuntime } from './agent-runtime.js';
import { failed } from './agent-turn.js';
import type { AgentDefinition } from './define-agent.js';
import type { WorkflowDefinition } from './define-workflow.js';
import { HttpModelClient } from './model-client.js';
import { RuntimeSpecSchema } from './runtime-spec.js';
import { loadDefaultSpec } from '../spec/default-spec.js';
import type { AgentMessage, AgentReply, InvokeOptions, MessagePart } from './types.js';

/** How a team's process reaches daca. */
export interface AgentProcessOptions {
  /** daca's base URL, e.g. `http://daca.internal:8700`. */
  dacaUrl: string;
  /** A daca virtual key (bound to the team, or to one agent). */
  key: string;
  agents: AgentDefinition[];
  workflows?: WorkflowDefinition[];
  /** Local data folder (default `.daca`). */
  dataDir?: string;
  /** The cluster's Restate (`admin=URL,ingress=URL`), for durable agents; else a local restate-server is spawned. */
  restateUrl?: string;
  /** Host Restate uses to reach this process's endpoint (default 127.0.0.1). */
  endpointHost?: string;
}

/** Calls agents through daca's A2A endpoints (JSON-RPC `message/send`). */
export class A2aMeshCaller implements MeshCaller {
  constructor(private readonly dacaUrl: string, private readonly key: string) {}

  /** Sends `message` to agent `type`; the A2A answer (message or task) becomes an `AgentReply`. */
  async call(type: string, id: string | undefined, message: AgentMessage, opts: InvokeOptions): Promise<AgentReply> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' };
    if (opts.traceparent) headers.traceparent = opts.traceparent;
    if (opts.caller) headers['x-daca-agent'] = opts.caller;
    const body = {
      jsonrpc: '2.0',
      id: randomUUID(),
      method: 'message/send',
      params: { message: { kind: 'message', messageId: randomUUID(), role: message.role, parts: message.parts, contextId: id ?? message.contextId, metadata: message.metadata } },
    };
    const r = await fetch(`${this.dacaUrl.replace(/\/+$/, '')}/a2a/${encodeURIComponent(type)}/`, { method: 'POST', headers, body: JSON.stringify(body), signal: opts.signal ?? null });
    const out = (await r.json()) as { result?: A2aResult; error?: { code: number; message: string } };
    if (!r.ok || out.error || !out.result) return failed('a2a_error', out.error?.message ?? `daca answered ${r.status}`);
    const res = out.result;
    if (res.kind === 'message') return { parts: res.parts ?? [], state: 'completed' };
    const parts = [...(res.status?.message?.parts ?? []), ...(res.artifacts ?? []).flatMap((a) => a.parts ?? [])];
    return { parts, state: (res.status?.state as AgentReply['state']) ?? 'completed' };
  }
}

interface A2aResult {
  kind: 'message' | 'task';
  parts?: MessagePart[];
  status?: { state?: string; message?: { parts?: MessagePart[] } };
  artifacts?: { parts?: MessagePart[] }[];
}

/**
 * Starts a team's agents in this process, connected to daca.
 *
 * @example
 * ```ts
 * const host = await startAgentProcess({ dacaUrl: 'http://127.0.0.1:8700', key: process.env.DACA_KEY!, agents: [inventory] });
 * const reply = await host.invoke('inventory', 'sku-1', { role: 'user', parts: [{ kind: 'text', text: 'stock?' }] }, {});
 * ```
 */
export async function startAgentProcess(o: AgentProcessOptions): Promise<AgentRuntime> {
  const base = loadDefaultSpec().spec;
  const runtime: Record<string, unknown> = {};
  if (o.restateUrl) runtime.restate_url = o.restateUrl;
  if (o.endpointHost) runtime.endpoint_host = o.endpointHost;
  const rt = new AgentRuntime({
    spec: { ...base, agents: {}, runtime: RuntimeSpecSchema.parse(runtime) },
    dataDir: o.dataDir ?? '.daca',
    models: new HttpModelClient(o.dacaUrl, o.key),
  });
  rt.setMesh(new A2aMeshCaller(o.dacaUrl, o.key));
  await rt.register(...o.agents, ...(o.workflows ?? []));
  await rt.start();
  return rt;
}
